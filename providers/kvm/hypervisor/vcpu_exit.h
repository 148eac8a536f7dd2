#pragma once
// What a vCPU run returned, stripped of KVM's structures so that the run loop (run_loop.h)
// can be driven by tests with made-up exits.
#include <cstdint>
#include <span>
#include <string>

namespace env::kvm {

struct VcpuExit {
    enum class Kind {
        IoIn,      // port read: fill `data` (count * size bytes)
        IoOut,     // port write: `data` holds count * size bytes
        MmioRead,  // fill `data` (size bytes)
        MmioWrite,
        Hlt,          // only without the in-kernel LAPIC; treated as "idle"
        Shutdown,     // triple fault: the PC would reset
        SystemReset,  // KVM_SYSTEM_EVENT_RESET
        SystemOff,    // KVM_SYSTEM_EVENT_SHUTDOWN
        Interrupted,  // KVM_RUN returned EINTR (a kick): look at requests
        InternalError,
        FailEntry,
        Unknown,
    };
    Kind kind = Kind::Unknown;
    uint64_t addr = 0;   // port or guest-physical address
    uint32_t size = 0;   // bytes per access
    uint32_t count = 1;  // string I/O repeats
    std::span<uint8_t> data;
    uint64_t detail = 0;  // raw exit reason, suberror or hardware failure reason
};

const char* to_string(VcpuExit::Kind k);

}  // namespace env::kvm

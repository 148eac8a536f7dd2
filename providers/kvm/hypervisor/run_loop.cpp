#include "providers/kvm/hypervisor/run_loop.h"

#include <spdlog/spdlog.h>

namespace env::kvm {

int exit_status(StopReason r) {
    switch (r) {
        case StopReason::PowerOff:
            return 0;
        case StopReason::Error:
            return 3;
        case StopReason::Reset:
            return 10;
        case StopReason::TripleFault:
            return 11;
        case StopReason::Killed:
            return 12;
        case StopReason::Signal:
            return 13;
    }
    return 3;
}

const char* to_string(StopReason r) {
    switch (r) {
        case StopReason::PowerOff:
            return "guest powered off";
        case StopReason::Reset:
            return "guest reset";
        case StopReason::TripleFault:
            return "guest triple fault";
        case StopReason::Killed:
            return "killed through the control socket";
        case StopReason::Signal:
            return "terminated by a signal";
        case StopReason::Error:
            return "VMM error";
    }
    return "?";
}

std::optional<StopReason> handle_exit(const VcpuExit& e, Bus& pio, Bus& mmio) {
    using K = VcpuExit::Kind;
    switch (e.kind) {
        case K::IoIn:
        case K::IoOut: {
            // String I/O (rep ins/outs) arrives as `count` accesses of `size` bytes.
            if (e.size == 0 || e.data.size() < size_t(e.size) * e.count) return std::nullopt;
            for (uint32_t i = 0; i < e.count; ++i) {
                auto chunk = e.data.subspan(size_t(i) * e.size, e.size);
                if (e.kind == K::IoIn)
                    pio.read(e.addr, chunk);
                else
                    pio.write(e.addr, chunk);
            }
            return std::nullopt;
        }
        case K::MmioRead:
            mmio.read(e.addr, e.data);
            return std::nullopt;
        case K::MmioWrite:
            mmio.write(e.addr, e.data);
            return std::nullopt;
        case K::Hlt:
        case K::Interrupted:
            return std::nullopt;
        case K::Shutdown:
            return StopReason::TripleFault;
        case K::SystemReset:
            return StopReason::Reset;
        case K::SystemOff:
            return StopReason::PowerOff;
        case K::InternalError:
            spdlog::error("vCPU stopped: KVM internal error (suberror {})", e.detail);
            return StopReason::Error;
        case K::FailEntry:
            spdlog::error("vCPU stopped: VM entry failed (hardware reason 0x{:x})", e.detail);
            return StopReason::Error;
        case K::Unknown:
            spdlog::error("vCPU stopped: unhandled KVM exit reason {}", e.detail);
            return StopReason::Error;
    }
    return StopReason::Error;
}

}  // namespace env::kvm

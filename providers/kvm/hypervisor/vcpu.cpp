#include "providers/kvm/hypervisor/vcpu.h"
#include "providers/kvm/hypervisor/kvm_ioctls.h"

#include <sys/ioctl.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace env::kvm {

const char* to_string(VcpuExit::Kind k) {
    switch (k) {
        case VcpuExit::Kind::IoIn:
            return "io-in";
        case VcpuExit::Kind::IoOut:
            return "io-out";
        case VcpuExit::Kind::MmioRead:
            return "mmio-read";
        case VcpuExit::Kind::MmioWrite:
            return "mmio-write";
        case VcpuExit::Kind::Hlt:
            return "hlt";
        case VcpuExit::Kind::Shutdown:
            return "shutdown (triple fault)";
        case VcpuExit::Kind::SystemReset:
            return "system-reset";
        case VcpuExit::Kind::SystemOff:
            return "system-off";
        case VcpuExit::Kind::Interrupted:
            return "interrupted";
        case VcpuExit::Kind::InternalError:
            return "internal-error";
        case VcpuExit::Kind::FailEntry:
            return "fail-entry";
        case VcpuExit::Kind::Unknown:
            return "unknown";
    }
    return "?";
}

Result<> Vcpu::set_cpuid(const std::vector<kvm_cpuid_entry2>& entries) {
    auto buf = ioctl_nr::counted<kvm_cpuid_entry2>(entries);
    if (::ioctl(fd_.get(), ioctl_nr::kSetCpuid2, buf.data()) < 0)
        return fail_errno("KVM_SET_CPUID2");
    return {};
}

Result<kvm_regs> Vcpu::get_regs() const {
    kvm_regs r{};
    if (::ioctl(fd_.get(), KVM_GET_REGS, &r) < 0) return fail_errno("KVM_GET_REGS");
    return r;
}
Result<> Vcpu::set_regs(const kvm_regs& r) {
    if (::ioctl(fd_.get(), KVM_SET_REGS, &r) < 0) return fail_errno("KVM_SET_REGS");
    return {};
}
Result<kvm_sregs> Vcpu::get_sregs() const {
    kvm_sregs s{};
    if (::ioctl(fd_.get(), KVM_GET_SREGS, &s) < 0) return fail_errno("KVM_GET_SREGS");
    return s;
}
Result<> Vcpu::set_sregs(const kvm_sregs& s) {
    if (::ioctl(fd_.get(), KVM_SET_SREGS, &s) < 0) return fail_errno("KVM_SET_SREGS");
    return {};
}
Result<> Vcpu::set_fpu(const kvm_fpu& f) {
    if (::ioctl(fd_.get(), KVM_SET_FPU, &f) < 0) return fail_errno("KVM_SET_FPU");
    return {};
}
Result<> Vcpu::set_msrs(const std::vector<kvm_msr_entry>& msrs) {
    auto buf = ioctl_nr::counted<kvm_msr_entry>(msrs);
    int n = ::ioctl(fd_.get(), ioctl_nr::kSetMsrs, buf.data());
    if (n < 0) return fail_errno("KVM_SET_MSRS");
    if (static_cast<size_t>(n) != msrs.size())
        return fail(ErrorKind::Provider,
                    "KVM_SET_MSRS: MSR index " + std::to_string(msrs[n].index) + " rejected");
    return {};
}

Result<uint32_t> Vcpu::tsc_khz() const {
    int khz = ::ioctl(fd_.get(), KVM_GET_TSC_KHZ, 0);
    if (khz < 0) return fail_errno("KVM_GET_TSC_KHZ");
    return static_cast<uint32_t>(khz);
}

Result<> Vcpu::set_lint() {
    kvm_lapic_state lapic{};
    if (::ioctl(fd_.get(), KVM_GET_LAPIC, &lapic) < 0) return fail_errno("KVM_GET_LAPIC");
    // LVT LINT0 at 0x350, LINT1 at 0x360; delivery mode in bits 8-10 (SDM vol 3, 11.5.1).
    auto set_mode = [&](size_t off, uint32_t mode) {
        uint32_t v;
        std::memcpy(&v, lapic.regs + off, 4);
        v = (v & ~0x700u) | (mode << 8);
        std::memcpy(lapic.regs + off, &v, 4);
    };
    set_mode(0x350, 7);  // ExtINT
    set_mode(0x360, 4);  // NMI
    if (::ioctl(fd_.get(), KVM_SET_LAPIC, &lapic) < 0) return fail_errno("KVM_SET_LAPIC");
    return {};
}

void Vcpu::set_immediate_exit(bool on) {
    std::atomic_ref<uint8_t>(r()->immediate_exit).store(on ? 1 : 0);
}

VcpuExit Vcpu::run() {
    VcpuExit e;
    if (::ioctl(fd_.get(), KVM_RUN, 0) < 0) {
        if (errno == EINTR || errno == EAGAIN) {
            e.kind = VcpuExit::Kind::Interrupted;
        } else {
            e.kind = VcpuExit::Kind::InternalError;
            e.detail = static_cast<uint64_t>(errno);
        }
        return e;
    }
    kvm_run* run = r();
    e.detail = run->exit_reason;
    switch (run->exit_reason) {
        case KVM_EXIT_IO: {
            e.kind =
                run->io.direction == KVM_EXIT_IO_OUT ? VcpuExit::Kind::IoOut : VcpuExit::Kind::IoIn;
            e.addr = run->io.port;
            e.size = run->io.size;
            e.count = run->io.count;
            e.data = {reinterpret_cast<uint8_t*>(run) + run->io.data_offset,
                      static_cast<size_t>(run->io.size) * run->io.count};
            break;
        }
        case KVM_EXIT_MMIO:
            e.kind = run->mmio.is_write ? VcpuExit::Kind::MmioWrite : VcpuExit::Kind::MmioRead;
            e.addr = run->mmio.phys_addr;
            e.size = run->mmio.len > 8 ? 8 : run->mmio.len;
            e.data = {run->mmio.data, e.size};
            break;
        case KVM_EXIT_HLT:
            e.kind = VcpuExit::Kind::Hlt;
            break;
        case KVM_EXIT_SHUTDOWN:
            e.kind = VcpuExit::Kind::Shutdown;
            break;
        case KVM_EXIT_INTR:
            e.kind = VcpuExit::Kind::Interrupted;
            break;
        case KVM_EXIT_SYSTEM_EVENT:
            e.kind = run->system_event.type == KVM_SYSTEM_EVENT_RESET ? VcpuExit::Kind::SystemReset
                                                                      : VcpuExit::Kind::SystemOff;
            break;
        case KVM_EXIT_INTERNAL_ERROR:
            e.kind = VcpuExit::Kind::InternalError;
            e.detail = run->internal.suberror;
            break;
        case KVM_EXIT_FAIL_ENTRY:
            e.kind = VcpuExit::Kind::FailEntry;
            e.detail = run->fail_entry.hardware_entry_failure_reason;
            break;
        default:
            e.kind = VcpuExit::Kind::Unknown;
            break;
    }
    return e;
}

}  // namespace env::kvm

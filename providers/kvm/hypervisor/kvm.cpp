#include "providers/kvm/hypervisor/kvm.h"
#include "providers/kvm/hypervisor/kvm_ioctls.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#include <cerrno>

namespace env::kvm {

namespace {
struct RequiredCap {
    long cap;
    const char* name;
};
// What the VMM relies on: in-kernel IRQ chip and PIT, user memory slots, vCPU kicks.
constexpr RequiredCap kRequired[] = {
    {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
    {KVM_CAP_PIT2, "KVM_CAP_PIT2"},
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
};
}  // namespace

Result<Kvm> Kvm::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return fail(ErrorKind::Provider,
                        path +
                            " does not exist: KVM is not available here "
                            "(no virtualization extensions, or the kvm module is not loaded)",
                        e);
        if (e == EACCES || e == EPERM)
            return fail(ErrorKind::Provider,
                        "no permission to open " + path +
                            " (add the user to the 'kvm' group, or run as root)",
                        e);
        return fail(ErrorKind::Provider, "cannot open " + path, e);
    }
    Kvm k;
    k.fd_.reset(fd);
    int version = ::ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION)
        return fail(ErrorKind::Provider, "unsupported KVM API version " + std::to_string(version));
    for (const auto& r : kRequired)
        if (k.check_extension(r.cap) <= 0)
            return fail(ErrorKind::Provider,
                        std::string("KVM lacks a required capability: ") + r.name);
    return k;
}

int Kvm::check_extension(long cap) const {
    return ::ioctl(fd_.get(), KVM_CHECK_EXTENSION, cap);
}

Result<int> Kvm::vcpu_mmap_size() const {
    int n = ::ioctl(fd_.get(), KVM_GET_VCPU_MMAP_SIZE, 0);
    if (n < 0) return fail_errno("KVM_GET_VCPU_MMAP_SIZE");
    return n;
}

Result<std::vector<kvm_cpuid_entry2>> Kvm::supported_cpuid() const {
    for (size_t n = 128; n <= 4096; n *= 2) {
        auto buf = ioctl_nr::counted<kvm_cpuid_entry2>({}, n);
        if (::ioctl(fd_.get(), ioctl_nr::kGetSupportedCpuid, buf.data()) == 0)
            return ioctl_nr::entries_of<kvm_cpuid_entry2>(buf);
        if (errno != E2BIG) return fail_errno("KVM_GET_SUPPORTED_CPUID");
    }
    return fail(ErrorKind::Provider, "KVM_GET_SUPPORTED_CPUID: too many entries");
}

}  // namespace env::kvm

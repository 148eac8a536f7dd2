#pragma once
// The KVM system handle (/dev/kvm). Every ioctl(KVM_*) of the VMM lives in kvm.cpp, vm.cpp
// and vcpu.cpp; the rest of the VMM only sees these classes, so the run loop and devices
// stay testable without /dev/kvm.
#include <linux/kvm.h>

#include <memory>
#include <string>
#include <vector>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::kvm {

class Kvm {
public:
    // Opens /dev/kvm (or `path`), checks the API version and the capabilities the VMM needs.
    // Errors say which of "no /dev/kvm", "no permission", "missing capability X" happened.
    static Result<Kvm> open(const std::string& path = "/dev/kvm");

    int fd() const { return fd_.get(); }
    int check_extension(long cap) const;
    Result<int> vcpu_mmap_size() const;
    // KVM_GET_SUPPORTED_CPUID: the host CPUID leaves KVM can expose.
    Result<std::vector<kvm_cpuid_entry2>> supported_cpuid() const;

private:
    UniqueFd fd_;
};

}  // namespace env::kvm

#pragma once
// ioctl numbers whose argument structs end in a flexible array. The kernel encodes
// sizeof(struct) (8 bytes: the count and padding) in the number, but Debian 12's uapi
// headers declare those arrays with __DECLARE_FLEX_ARRAY, which in C++ makes the structs
// 12 bytes long, so the header's macros yield numbers the kernel rejects with EINVAL.
#include <linux/kvm.h>

namespace env::kvm::ioctl_nr {

struct CountHeader {
    __u32 count;
    __u32 padding;
};
inline constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CountHeader);
inline constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CountHeader);
inline constexpr unsigned long kSetMsrs = _IOW(KVMIO, 0x89, CountHeader);
// KVM_SET_GSI_ROUTING's struct kvm_irq_routing has the same shape (nr, flags, entries[]).
inline constexpr unsigned long kSetGsiRouting = _IOW(KVMIO, 0x6a, CountHeader);
static_assert(kSetGsiRouting == 0x4008AE6A);
static_assert(kGetSupportedCpuid == 0xC008AE05 && kSetCpuid2 == 0x4008AE90 &&
              kSetMsrs == 0x4008AE89);

}  // namespace env::kvm::ioctl_nr

#pragma once
// ioctl numbers whose argument structs end in a flexible array. The kernel encodes
// sizeof(struct) (8 bytes: the count and padding) in the number, but Debian 12's uapi
// headers declare those arrays with __DECLARE_FLEX_ARRAY, which in C++ makes the structs
// 12 bytes long, so the header's macros yield numbers the kernel rejects with EINVAL.
#include <linux/kvm.h>

#include <algorithm>

#include <cstring>
#include <span>
#include <vector>

namespace env::kvm::ioctl_nr {

// The kernel's layout of those structs: a u32 count, a u32 of padding or flags, then the
// entries at byte 8. In C++ the header's flexible arrays sit at byte 12 (kvm_cpuid2) or 16
// (kvm_msrs, kvm_irq_routing), so never use their `entries` members: build and read the
// buffers with counted() and entries_of().
struct CountHeader {
    __u32 count;
    __u32 padding;
};

template <typename Entry>
std::vector<unsigned char> counted(std::span<const Entry> entries, size_t capacity = 0) {
    if (capacity < entries.size()) capacity = entries.size();
    std::vector<unsigned char> buf(sizeof(CountHeader) + capacity * sizeof(Entry));
    CountHeader h{static_cast<__u32>(capacity), 0};
    std::memcpy(buf.data(), &h, sizeof h);
    if (!entries.empty()) std::memcpy(buf.data() + sizeof h, entries.data(), entries.size_bytes());
    return buf;
}

template <typename Entry>
std::vector<Entry> entries_of(const std::vector<unsigned char>& buf) {
    CountHeader h;
    std::memcpy(&h, buf.data(), sizeof h);
    size_t n = std::min<size_t>(h.count, (buf.size() - sizeof h) / sizeof(Entry));
    std::vector<Entry> out(n);
    if (n) std::memcpy(out.data(), buf.data() + sizeof h, n * sizeof(Entry));
    return out;
}
inline constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CountHeader);
inline constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CountHeader);
inline constexpr unsigned long kSetMsrs = _IOW(KVMIO, 0x89, CountHeader);
// KVM_SET_GSI_ROUTING's struct kvm_irq_routing has the same shape (nr, flags, entries[]).
inline constexpr unsigned long kSetGsiRouting = _IOW(KVMIO, 0x6a, CountHeader);
static_assert(kSetGsiRouting == 0x4008AE6A);
static_assert(kGetSupportedCpuid == 0xC008AE05 && kSetCpuid2 == 0x4008AE90 &&
              kSetMsrs == 0x4008AE89);

}  // namespace env::kvm::ioctl_nr

// The counted-array ioctl buffers in the kernel's layout (count at byte 0, entries at byte
// 8): built with the C++ view of the uapi structs, entries landed at byte 12 (kvm_cpuid2) or
// 16 (kvm_msrs), so KVM read every CPUID leaf and MSR shifted and the guest never saw
// CPUID.1:ECX's hypervisor bit (no kvm-clock).
#include <catch2/catch.hpp>
#include <cstring>

#include "providers/kvm/hypervisor/kvm_ioctls.h"

using namespace env::kvm;

TEST_CASE("ioctl buffers: count at byte 0, entries from byte 8", "[kvm][ioctl]") {
    kvm_cpuid_entry2 leaf{};
    leaf.function = 0x40000000;
    leaf.ebx = 0x4B4D564B;
    std::vector<kvm_cpuid_entry2> leaves{leaf, leaf};
    leaves[1].function = 1;
    auto buf = ioctl_nr::counted<kvm_cpuid_entry2>(leaves);
    REQUIRE(buf.size() == 8 + 2 * sizeof(kvm_cpuid_entry2));
    uint32_t count, first_function, second_function;
    std::memcpy(&count, buf.data(), 4);
    std::memcpy(&first_function, buf.data() + 8, 4);
    std::memcpy(&second_function, buf.data() + 8 + sizeof(kvm_cpuid_entry2), 4);
    CHECK(count == 2);
    CHECK(first_function == 0x40000000);
    CHECK(second_function == 1);
    auto back = ioctl_nr::entries_of<kvm_cpuid_entry2>(buf);
    REQUIRE(back.size() == 2);
    CHECK(back[0].ebx == 0x4B4D564B);

    kvm_msr_entry msr{};
    msr.index = 0x2FF;
    msr.data = 0x806;
    auto m = ioctl_nr::counted<kvm_msr_entry>(std::vector<kvm_msr_entry>{msr});
    uint32_t index;
    uint64_t data;
    std::memcpy(&index, m.data() + 8, 4);
    std::memcpy(&data, m.data() + 16, 8);
    CHECK(index == 0x2FF);
    CHECK(data == 0x806);

    // Room for the kernel to fill: the count says the capacity.
    auto empty = ioctl_nr::counted<kvm_cpuid_entry2>({}, 16);
    std::memcpy(&count, empty.data(), 4);
    CHECK(count == 16);
    CHECK(empty.size() == 8 + 16 * sizeof(kvm_cpuid_entry2));
}

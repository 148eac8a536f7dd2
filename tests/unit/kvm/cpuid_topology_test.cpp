#include <catch2/catch.hpp>

#include "providers/kvm/hypervisor/cpuid.h"

using namespace env::kvm;

namespace {
kvm_cpuid_entry2 leaf(uint32_t fn, uint32_t index = 0) {
    kvm_cpuid_entry2 e{};
    e.function = fn;
    e.index = index;
    return e;
}
const kvm_cpuid_entry2& find(const std::vector<kvm_cpuid_entry2>& v, uint32_t fn,
                             uint32_t index = 0) {
    for (const auto& e : v)
        if (e.function == fn && e.index == index) return e;
    throw std::runtime_error("leaf missing");
}
}  // namespace

TEST_CASE("CPUID: each vCPU reports its APIC id and the same package of N cores", "[kvm][cpuid]") {
    std::vector<kvm_cpuid_entry2> host = {leaf(1),      leaf(4, 0),   leaf(0xB, 0),
                                          leaf(0xB, 1), leaf(0xB, 2), leaf(0x80000008)};
    host[0].ebx = 0xFF00FFFF;                        // host's APIC id and count: must be replaced
    host[1].eax = 0x121 | (63u << 26) | (7u << 14);  // L1 data cache, 64 cores on the host
    for (unsigned id = 0; id < 3; ++id) {
        auto v = cpuid_for_vcpu(host, id, 3);
        CHECK((find(v, 1).ebx >> 24) == id);
        CHECK(((find(v, 1).ebx >> 16) & 0xFF) == 3);
        CHECK((find(v, 1).ebx & 0xFFFF) == 0xFFFF);  // brand/CLFLUSH fields kept
        CHECK((find(v, 1).ecx >> 31) == 1);          // hypervisor bit
        CHECK((find(v, 4).eax >> 26) == 2);
        CHECK(((find(v, 4).eax >> 14) & 0xFFF) == 0);  // L1 is per core
        CHECK(find(v, 0xB, 0).edx == id);
        CHECK(find(v, 0xB, 0).ebx == 1);
        CHECK(find(v, 0xB, 1).ebx == 3);
        CHECK(find(v, 0xB, 1).eax == 2);  // 2 bits of APIC id for 3 cores
        CHECK(((find(v, 0xB, 1).ecx >> 8) & 0xFF) == 2);
        CHECK(((find(v, 0xB, 2).ecx >> 8) & 0xFF) == 0);  // end of levels
        CHECK((find(v, 0x80000008).ecx & 0xFF) == 2);
    }
}

TEST_CASE("CPUID: KVM's signature leaf gets the timing leaf 0x40000010", "[kvm][cpuid]") {
    auto sig = leaf(0x40000000);
    sig.eax = 0x40000001;  // what KVM_GET_SUPPORTED_CPUID reports
    sig.ebx = 0x4B4D564B;  // "KVMK"
    sig.ecx = 0x564B4D56;  // "VMKV"
    sig.edx = 0x4D;        // "M\0\0\0"
    auto features = leaf(0x40000001);
    features.eax = 1u << 3;  // KVM_FEATURE_CLOCKSOURCE2: kept as KVM says
    auto v = with_timing_leaf({leaf(1), sig, features}, 2'400'000);
    CHECK(find(v, 0x40000000).eax == 0x40000010);
    CHECK(find(v, 0x40000001).eax == (1u << 3));
    CHECK(find(v, 0x40000010).eax == 2'400'000);  // TSC kHz
    CHECK(find(v, 0x40000010).ebx == 1'000'000);  // KVM's APIC timer: 1 GHz
    // Another hypervisor's signature (or none): nothing added.
    auto other = sig;
    other.ebx = 0x61774D56;  // "VMwa"
    auto u = with_timing_leaf({leaf(1), other}, 2'400'000);
    CHECK(u.size() == 2);
    CHECK(find(u, 0x40000000).eax == 0x40000001);
    CHECK_THROWS(find(with_timing_leaf({leaf(1)}, 2'400'000), 0x40000010));
}

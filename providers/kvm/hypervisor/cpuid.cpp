#include "providers/kvm/hypervisor/cpuid.h"

namespace env::kvm {

namespace {
unsigned bits_for(unsigned n) {  // ceil(log2(n)), the APIC-id field width for n items
    unsigned b = 0;
    while ((1u << b) < n) ++b;
    return b;
}
}  // namespace

std::vector<kvm_cpuid_entry2> cpuid_for_vcpu(std::vector<kvm_cpuid_entry2> leaves, unsigned id,
                                             unsigned count) {
    const unsigned core_bits = bits_for(count);
    for (auto& e : leaves) {
        switch (e.function) {
            case 0x1:
                // EBX[31:24] initial APIC id, EBX[23:16] logical processors per package
                // (SDM vol 2A, CPUID leaf 01H); ECX[31] says "running under a hypervisor".
                e.ebx = (e.ebx & 0x0000FFFF) | (id << 24) | ((count & 0xFF) << 16);
                e.ecx |= 1u << 31;
                if (count > 1) e.edx |= 1u << 28;  // HTT: the EBX[23:16] field is valid
                break;
            case 0x4:
                // EAX[31:26]: cores per package - 1; EAX[25:14]: threads sharing this cache - 1.
                if ((e.eax & 0x1F) != 0) {
                    unsigned level = (e.eax >> 5) & 0x7;
                    unsigned sharing = level >= 3 ? count - 1 : 0;
                    e.eax = (e.eax & 0x3FFF) | (sharing << 14) | ((count - 1) << 26);
                }
                break;
            case 0xB:
            case 0x1F:
                // Extended topology (SDM vol 2A, leaf 0BH): level 0 = SMT, level 1 = core.
                e.edx = id;
                if (e.index == 0) {
                    e.eax = 0;
                    e.ebx = 1;
                    e.ecx = (1u << 8) | 0;
                } else if (e.index == 1) {
                    e.eax = core_bits;
                    e.ebx = count;
                    e.ecx = (2u << 8) | 1;
                } else {
                    e.eax = 0;
                    e.ebx = 0;
                    e.ecx = e.index;
                }
                break;
            case 0x80000008:
                // AMD: ECX[7:0] NC = cores - 1, ECX[15:12] APIC id size.
                e.ecx = (e.ecx & ~0xF0FFu) | (core_bits << 12) | ((count - 1) & 0xFF);
                break;
            default:
                break;
        }
    }
    return leaves;
}

std::vector<kvm_cpuid_entry2> with_timing_leaf(std::vector<kvm_cpuid_entry2> leaves,
                                               uint32_t tsc_khz) {
    constexpr uint32_t kSignature = 0x40000000, kTiming = 0x40000010;
    constexpr uint32_t kApicTimerKhz = 1'000'000;  // KVM's APIC bus: 1 ns per tick
    bool kvm = false;
    for (auto& e : leaves) {
        // "KVMKVMKVM\0\0\0" in EBX, ECX, EDX.
        if (e.function == kSignature && e.ebx == 0x4B4D564B && e.ecx == 0x564B4D56 &&
            e.edx == 0x4D) {
            kvm = true;
            if (e.eax < kTiming) e.eax = kTiming;
        }
    }
    if (!kvm || tsc_khz == 0) return leaves;
    std::erase_if(leaves, [](const kvm_cpuid_entry2& e) { return e.function == kTiming; });
    kvm_cpuid_entry2 t{};
    t.function = kTiming;
    t.eax = tsc_khz;
    t.ebx = kApicTimerKhz;
    leaves.push_back(t);
    return leaves;
}

}  // namespace env::kvm

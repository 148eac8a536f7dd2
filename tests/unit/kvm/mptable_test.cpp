#include <catch2/catch.hpp>

#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/boot/mptable.h"
#include "providers/kvm/pci/pci_bus.h"

using namespace env::kvm;

namespace {
uint8_t sum(const uint8_t* p, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i) s += p[i];
    return s;
}
}  // namespace

TEST_CASE("MP table: checksums, CPUs, IOAPIC and interrupt routing", "[kvm][boot]") {
    std::array<bool, 32> slots{};
    slots[0] = slots[3] = true;
    auto t = build_mptable(0xF0000, 4, slots);
    // Floating pointer (MP spec 4.1).
    REQUIRE(t.size() > 16 + 44);
    CHECK(std::string(t.begin(), t.begin() + 4) == "_MP_");
    CHECK(bp::get32(t, 4) == 0xF0010);
    CHECK(t[8] == 1);
    CHECK(t[9] == 4);
    CHECK(sum(t.data(), 16) == 0);
    // Configuration table (4.2).
    const uint8_t* h = t.data() + 16;
    std::span<const uint8_t> hs(h, t.size() - 16);
    CHECK(std::string(h, h + 4) == "PCMP");
    uint16_t len = bp::get16(hs, 4);
    CHECK(len == t.size() - 16);
    CHECK(sum(h, len) == 0);
    CHECK(bp::get32(hs, 36) == kLapicAddr);
    unsigned count = bp::get16(hs, 34);
    unsigned cpus = 0, bsp = 0, ioapics = 0, isa = 0, pci = 0, lint = 0;
    uint8_t ioapic_id = 0xFF;
    size_t off = 44;
    for (unsigned i = 0; i < count; ++i) {
        REQUIRE(off < len);
        switch (h[off]) {
            case 0:
                CHECK(h[off + 1] == cpus);  // APIC ids 0..n-1, matching CPUID
                CHECK((h[off + 3] & 1));
                if (h[off + 3] & 2) ++bsp;
                ++cpus;
                off += 20;
                break;
            case 1: off += 8; break;
            case 2:
                ++ioapics;
                ioapic_id = h[off + 1];
                CHECK(bp::get32(hs, unsigned(off + 4)) == kIoapicAddr);
                off += 8;
                break;
            case 3:
                CHECK(h[off + 6] == ioapic_id);
                if (h[off + 4] == kMpBusIsa) {
                    CHECK(h[off + 5] == h[off + 7]);  // ISA IRQ n -> pin n
                    ++isa;
                } else {
                    CHECK(h[off + 4] == kMpBusPci);
                    CHECK(h[off + 5] == (3 << 2));  // slot 3, INTA
                    CHECK(h[off + 7] == pci::legacy_irq(3));
                    CHECK(bp::get16(hs, unsigned(off + 2)) == 0xF);  // level, active low
                    ++pci;
                }
                off += 8;
                break;
            case 4: ++lint; off += 8; break;
            default: FAIL("unknown entry type " << int(h[off]));
        }
    }
    CHECK(off == len);
    CHECK(cpus == 4);
    CHECK(bsp == 1);
    CHECK(ioapics == 1);
    CHECK(ioapic_id == 4);
    CHECK(isa == 16);
    CHECK(pci == 1);  // slot 0 (host bridge) has no interrupt
    CHECK(lint == 2);
}

TEST_CASE("MP table: vCPU count is clamped to what the table can describe", "[kvm][boot]") {
    auto t = build_mptable(0xF0000, 1000, {});
    unsigned cpus = 0;
    for (size_t off = 16 + 44; off < t.size() && t[off] == 0; off += 20) ++cpus;
    CHECK(cpus == kMaxVcpus);
}

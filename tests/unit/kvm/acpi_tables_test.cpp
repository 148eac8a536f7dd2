// The ACPI tables as Linux walks them: RSDP -> XSDT -> FADT -> DSDT, and the MADT; every
// checksum, the fields Linux depends on, and the DSDT's PCI host bridge.
#include <catch2/catch.hpp>
#include <cstring>

#include "providers/kvm/acpi/aml.h"
#include "providers/kvm/acpi/madt.h"
#include "providers/kvm/acpi/tables.h"
#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/boot/mptable.h"
#include "providers/kvm/devices/power.h"
#include "providers/kvm/pci/pci_bus.h"

using namespace env::kvm;

namespace {
uint8_t sum(const std::vector<uint8_t>& b, size_t off, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i) s += b[off + i];
    return s;
}
bool contains(const std::vector<uint8_t>& hay, const std::vector<uint8_t>& needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

acpi::MachineDescription machine(unsigned vcpus) {
    acpi::MachineDescription m;
    m.vcpus = vcpus;
    m.ioapic_id = static_cast<uint8_t>(vcpus);
    m.ioapic_addr = kIoapicAddr;
    m.lapic_addr = kLapicAddr;
    m.pci = {0xC0000000, 0xFEBFFFFF, pci::legacy_irq};
    return m;
}

// The tables written into guest memory, read back as one block starting at the RSDP.
struct Written {
    uint64_t rsdp;
    std::vector<uint8_t> m;
    uint64_t at(uint64_t gpa) const { return gpa - rsdp; }
    // The table at XSDT entry i.
    uint64_t xsdt_entry(unsigned i) const {
        uint64_t x = at(bp::get64(m, 24));
        return at(bp::get64(m, unsigned(x + 36 + 8 * i)));
    }
};
Written write(unsigned vcpus) {
    auto mem = GuestMemory::create(16 << 20);
    REQUIRE(mem);
    auto rsdp = acpi::write_tables(*mem, machine(vcpus));
    REQUIRE(rsdp);
    Written w{*rsdp, std::vector<uint8_t>(0x2000)};
    REQUIRE(mem->read(*rsdp, w.m));
    return w;
}
}  // namespace

TEST_CASE("ACPI: RSDP -> XSDT -> FADT and MADT, all checksums valid", "[kvm][acpi]") {
    auto w = write(2);
    auto& m = w.m;
    CHECK(std::memcmp(m.data(), "RSD PTR ", 8) == 0);
    CHECK(m[15] == 2);  // revision 2: the XSDT address is used
    CHECK(sum(m, 0, 20) == 0);
    CHECK(sum(m, 0, 36) == 0);
    uint64_t xsdt = w.at(bp::get64(m, 24));
    CHECK(std::memcmp(m.data() + xsdt, "XSDT", 4) == 0);
    uint32_t xlen = bp::get32(m, unsigned(xsdt + 4));
    CHECK(sum(m, xsdt, xlen) == 0);
    REQUIRE(xlen == 36 + 2 * 8);  // the FADT and the MADT
    uint64_t fadt = w.xsdt_entry(0);
    CHECK(std::memcmp(m.data() + fadt, "FACP", 4) == 0);
    uint32_t flen = bp::get32(m, unsigned(fadt + 4));
    CHECK(flen == 276);
    CHECK(sum(m, fadt, flen) == 0);
    uint32_t flags = bp::get32(m, unsigned(fadt + 112));
    CHECK((flags & (1u << 20)));                         // HW_REDUCED_ACPI
    CHECK((flags & (1u << 10)));                         // RESET_REG_SUP
    CHECK((bp::get16(m, unsigned(fadt + 109)) & 0x2));   // IAPC_BOOT_ARCH: 8042 present
    CHECK(!(bp::get16(m, unsigned(fadt + 109)) & 0x8));  // ... and MSI not forbidden
    CHECK(bp::get64(m, unsigned(fadt + 244 + 4)) == kPowerPort + kSleepControl);
    CHECK(m[fadt + 244] == 1);  // system I/O
    CHECK(bp::get64(m, unsigned(fadt + 116 + 4)) == kPowerPort + kResetReg);
    CHECK(m[fadt + 128] == kResetValue);
    CHECK(std::memcmp(m.data() + fadt + 268, "ENVVMM\0\0", 8) == 0);
    uint64_t madt = w.xsdt_entry(1);
    CHECK(std::memcmp(m.data() + madt, "APIC", 4) == 0);
    CHECK(sum(m, madt, bp::get32(m, unsigned(madt + 4))) == 0);
}

TEST_CASE("MADT: one enabled local APIC per vCPU, the IOAPIC, ISA overrides", "[kvm][acpi]") {
    for (unsigned vcpus : {1u, 2u, 4u}) {
        auto t = acpi::build_madt(vcpus, uint8_t(vcpus), kIoapicAddr, kLapicAddr);
        INFO(vcpus << " vCPUs");
        CHECK(sum(t, 0, t.size()) == 0);
        CHECK(bp::get32(t, 4) == t.size());
        CHECK(bp::get32(t, 36) == kLapicAddr);
        CHECK(bp::get32(t, 40) == 0);  // no PCAT_COMPAT: no 8259 use
        unsigned lapics = 0, ioapics = 0, overrides = 0, nmis = 0;
        for (size_t off = 44; off < t.size();) {
            uint8_t type = t[off], len = t[off + 1];
            REQUIRE(len >= 2);
            REQUIRE(off + len <= t.size());
            if (type == 0) {
                CHECK(len == 8);
                CHECK(t[off + 2] == lapics);  // processor UID
                CHECK(t[off + 3] == lapics);  // APIC id = vCPU id, as CPUID reports
                CHECK(bp::get32(t, unsigned(off + 4)) == 1);
                ++lapics;
            } else if (type == 1) {
                CHECK(len == 12);
                CHECK(t[off + 2] == vcpus);  // IOAPIC id after the CPUs', as in the MP table
                CHECK(bp::get32(t, unsigned(off + 4)) == kIoapicAddr);
                CHECK(bp::get32(t, unsigned(off + 8)) == 0);  // GSI base
                ++ioapics;
            } else if (type == 2) {
                CHECK(len == 10);
                CHECK(t[off + 2] == 0);                                // ISA
                CHECK(bp::get32(t, unsigned(off + 4)) == t[off + 3]);  // identity: KVM's wiring
                CHECK(t[off + 3] == acpi::kIsaOverrides[overrides]);
                ++overrides;
            } else if (type == 4) {
                CHECK(len == 6);
                CHECK(t[off + 5] == 1);  // LINT1
                ++nmis;
            } else {
                FAIL("unexpected MADT entry type " << int(type));
            }
            off += len;
        }
        CHECK(lapics == vcpus);
        CHECK(ioapics == 1);
        CHECK(overrides == std::size(acpi::kIsaOverrides));
        CHECK(nmis == 1);
    }
}

TEST_CASE("DSDT: the PCI host bridge with its resources and INTx routing, and \\_S5",
          "[kvm][acpi]") {
    using namespace acpi::aml;
    auto w = write(1);
    auto& m = w.m;
    uint64_t fadt = w.xsdt_entry(0);
    uint64_t dsdt = w.at(bp::get64(m, unsigned(fadt + 140)));
    CHECK(bp::get32(m, unsigned(fadt + 40)) == dsdt + w.rsdp);  // 32-bit pointer agrees
    CHECK(std::memcmp(m.data() + dsdt, "DSDT", 4) == 0);
    uint32_t dlen = bp::get32(m, unsigned(dsdt + 4));
    CHECK(sum(m, dsdt, dlen) == 0);
    std::vector<uint8_t> aml(m.begin() + dsdt + 36, m.begin() + dsdt + dlen);
    // Device (\_SB.PCI0) with a two-byte PkgLength, then its name.
    REQUIRE(aml.size() > 16);
    CHECK(aml[0] == 0x5B);
    CHECK(aml[1] == 0x82);
    CHECK((aml[2] >> 6) == 1);
    CHECK(Bytes(aml.begin() + 4, aml.begin() + 14) == name_string("\\_SB_.PCI0"));
    size_t dev_len = (aml[2] & 0xF) | (aml[3] << 4);
    CHECK(contains(aml, name("_HID", eisa_id("PNP0A03"))));
    CHECK(contains(aml, word_bus_number(0, 0)));
    CHECK(contains(aml, io(0xCF8, 0xCF8, 1, 8)));
    CHECK(contains(aml, dword_memory(0xC0000000, 0xFEBFFFFF)));
    // Slot 1 INTA -> GSI 17 and slot 31 INTA -> GSI 23 (pci::legacy_irq).
    CHECK(contains(aml, package({integer(0x1FFFF), integer(0), integer(0), integer(17)})));
    CHECK(contains(aml, package({integer(0x1FFFFF), integer(0), integer(0), integer(23)})));
    // The legacy devices follow the bridge, each with its ports and GSI.
    REQUIRE(aml.size() > 2 + dev_len);
    CHECK(aml[2 + dev_len] == 0x5B);
    CHECK(aml[2 + dev_len + 1] == 0x82);
    CHECK(contains(aml, name("_HID", eisa_id("PNP0501"))));
    CHECK(contains(aml, resource_template({io(0x3F8, 0x3F8, 0, 8), edge_interrupt(4)})));
    CHECK(contains(aml, name("_HID", eisa_id("PNP0303"))));
    CHECK(contains(aml, edge_interrupt(1)));
    CHECK(contains(aml, name("_HID", eisa_id("PNP0B00"))));
    CHECK(contains(aml, edge_interrupt(8)));
    // \_S5 ends the block.
    Bytes s5 = name("\\_S5_", package({integer(5), integer(5), integer(0), integer(0)}));
    CHECK(Bytes(aml.end() - s5.size(), aml.end()) == s5);
}

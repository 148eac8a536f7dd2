#include <catch2/catch.hpp>
#include <cstring>

#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/acpi/tables.h"
#include "providers/kvm/devices/power.h"

using namespace env::kvm;

namespace {
uint8_t sum(const std::vector<uint8_t>& b, size_t off, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i) s += b[off + i];
    return s;
}
}  // namespace

TEST_CASE("ACPI: RSDP -> XSDT -> FADT -> DSDT with valid checksums, no MADT", "[kvm][acpi]") {
    auto mem = GuestMemory::create(16 << 20);
    REQUIRE(mem);
    auto rsdp = write_acpi_tables(*mem, 2);
    REQUIRE(rsdp);
    std::vector<uint8_t> m(0x1000);
    REQUIRE(mem->read(*rsdp, m));
    CHECK(std::memcmp(m.data(), "RSD PTR ", 8) == 0);
    CHECK(sum(m, 0, 20) == 0);
    CHECK(sum(m, 0, 36) == 0);
    uint64_t xsdt = bp::get64(m, 24) - *rsdp;
    CHECK(std::memcmp(m.data() + xsdt, "XSDT", 4) == 0);
    uint32_t xlen = bp::get32(m, unsigned(xsdt + 4));
    CHECK(sum(m, xsdt, xlen) == 0);
    REQUIRE(xlen == 44);  // exactly one table: the FADT (no MADT, so Linux reads the MP table)
    uint64_t fadt = bp::get64(m, unsigned(xsdt + 36)) - *rsdp;
    CHECK(std::memcmp(m.data() + fadt, "FACP", 4) == 0);
    uint32_t flen = bp::get32(m, unsigned(fadt + 4));
    CHECK(flen == 276);
    CHECK(sum(m, fadt, flen) == 0);
    CHECK((bp::get32(m, unsigned(fadt + 112)) & (1u << 20)));  // HW_REDUCED_ACPI
    CHECK(bp::get64(m, unsigned(fadt + 244 + 4)) == kPowerPort + kSleepControl);
    CHECK(m[fadt + 244] == 1);  // system I/O
    uint64_t dsdt = bp::get64(m, unsigned(fadt + 140)) - *rsdp;
    CHECK(std::memcmp(m.data() + dsdt, "DSDT", 4) == 0);
    uint32_t dlen = bp::get32(m, unsigned(dsdt + 4));
    CHECK(sum(m, dsdt, dlen) == 0);
    CHECK(std::memcmp(m.data() + dsdt + 36, "\x08_S5_\x12", 6) == 0);
}

TEST_CASE("power window: S5 with SLP_EN powers off, and other sleep types do not", "[kvm][acpi]") {
    int off = 0, reset = 0;
    PowerControl p([&] { ++off; }, [&] { ++reset; });
    auto w = [&](uint64_t o, uint8_t v) { p.write(o, {&v, 1}); };
    w(kSleepControl, 5 << 2);  // SLP_EN missing
    CHECK(off == 0);
    w(kSleepControl, (3 << 2) | 0x20);  // S3: not supported, ignored
    CHECK(off == 0);
    w(kSleepControl, (5 << 2) | 0x20);
    CHECK(off == 1);
    w(kResetReg, 0x02);
    CHECK(reset == 0);
    w(kResetReg, kResetValue);
    CHECK(reset == 1);
    uint16_t wide = 0xFFFF;
    p.write(kSleepControl, {reinterpret_cast<uint8_t*>(&wide), 2});  // only byte access counts
    CHECK(off == 1);
}

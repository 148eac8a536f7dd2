#include "providers/kvm/acpi/tables.h"

#include <cstring>
#include <string_view>
#include <vector>

#include "providers/kvm/boot/layout.h"
#include "providers/kvm/devices/power.h"

namespace env::kvm {

namespace {
class Table {
public:
    std::vector<uint8_t> b;
    Table(std::string_view sig, uint8_t revision) {
        b.resize(36, 0);
        std::memcpy(b.data(), sig.data(), 4);
        b[8] = revision;
        std::memcpy(b.data() + 10, "ENVVMM", 6);
        std::memcpy(b.data() + 16, "ENVVMM  ", 8);
        put32(24, 1);                           // OEM revision
        std::memcpy(b.data() + 28, "ENVV", 4);  // creator id
        put32(32, 1);
    }
    void put8(size_t off, uint8_t v) {
        grow(off + 1);
        b[off] = v;
    }
    void put16(size_t off, uint16_t v) {
        put8(off, v & 0xFF);
        put8(off + 1, v >> 8);
    }
    void put32(size_t off, uint32_t v) {
        put16(off, v & 0xFFFF);
        put16(off + 2, v >> 16);
    }
    void put64(size_t off, uint64_t v) {
        put32(off, uint32_t(v));
        put32(off + 4, uint32_t(v >> 32));
    }
    // Generic Address Structure (5.2.3.2): system I/O, byte-wide.
    void gas_io(size_t off, uint64_t port) {
        put8(off, 1);
        put8(off + 1, 8);
        put8(off + 2, 0);
        put8(off + 3, 1);
        put64(off + 4, port);
    }
    void grow(size_t n) {
        if (b.size() < n) b.resize(n, 0);
    }
    std::vector<uint8_t> finish() {
        put32(4, static_cast<uint32_t>(b.size()));
        b[9] = 0;
        uint8_t sum = 0;
        for (uint8_t x : b) sum += x;
        b[9] = static_cast<uint8_t>(-sum);
        return b;
    }
};

uint8_t checksum(const uint8_t* p, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i) s += p[i];
    return static_cast<uint8_t>(-s);
}
}  // namespace

Result<uint64_t> write_acpi_tables(GuestMemory& mem, unsigned) {
    const uint64_t rsdp = layout::kAcpiTables, xsdt = rsdp + 0x40, fadt = rsdp + 0x80,
                   dsdt = rsdp + 0x200;

    // DSDT: Name (_S5, Package () {5, 5, 0, 0}) in AML (ACPI 6.4, 20.2.5.2 and 20.2.5.4).
    Table d("DSDT", 2);
    const uint8_t aml[] = {0x08, '_',  'S',       '5',  '_',       0x12, 0x08,
                           0x04, 0x0A, kSlpTypS5, 0x0A, kSlpTypS5, 0x00, 0x00};
    d.b.insert(d.b.end(), aml, aml + sizeof aml);

    // FADT revision 6 (5.2.9), hardware-reduced: no PM1 blocks, no SCI; sleep and reset
    // registers in our power window.
    Table f("FACP", 6);
    f.grow(276);
    f.put32(40, static_cast<uint32_t>(dsdt));
    f.put8(108, 0x32);                      // CENTURY: the RTC's century byte in CMOS
    f.put16(109, 0x0007);                   // IAPC_BOOT_ARCH: legacy devices, 8042, no VGA
    f.put32(112, (1u << 20) | (1u << 10));  // HW_REDUCED_ACPI, RESET_REG_SUP
    f.gas_io(116, kPowerPort + kResetReg);
    f.put8(128, kResetValue);
    f.put8(131, 4);  // FADT minor version (6.4)
    f.put64(140, dsdt);
    f.gas_io(244, kPowerPort + kSleepControl);
    f.gas_io(256, kPowerPort + kSleepStatus);
    f.b[268] = 'E';
    f.b[269] = 'N';
    f.b[270] = 'V';  // hypervisor vendor identity

    Table x("XSDT", 1);
    x.put64(36, fadt);

    // RSDP revision 2 (5.2.5.3): checksum over the first 20 bytes, extended over all 36.
    std::vector<uint8_t> r(36, 0);
    std::memcpy(r.data(), "RSD PTR ", 8);
    std::memcpy(r.data() + 9, "ENVVMM", 6);
    r[15] = 2;
    uint64_t xa = xsdt;
    r[20] = 36;
    std::memcpy(r.data() + 24, &xa, 8);
    r[8] = checksum(r.data(), 20);
    r[32] = checksum(r.data(), 36);

    auto dt = d.finish(), ft = f.finish(), xt = x.finish();
    TRY(mem.fill(layout::kAcpiTables, 0x1000, 0));
    TRY(mem.write(rsdp, r));
    TRY(mem.write(xsdt, xt));
    TRY(mem.write(fadt, ft));
    TRY(mem.write(dsdt, dt));
    return rsdp;
}

}  // namespace env::kvm

#include "providers/kvm/acpi/tables.h"

#include <cstring>

#include "providers/kvm/acpi/madt.h"
#include "providers/kvm/acpi/sdt.h"
#include "providers/kvm/boot/layout.h"
#include "providers/kvm/devices/power.h"

namespace env::kvm::acpi {

namespace {
// Room for the tables between layout::kAcpiTables and the MP table.
constexpr uint64_t kMaxSize = layout::kMpTable - layout::kAcpiTables;

std::vector<uint8_t> build_fadt(uint64_t dsdt) {
    // FADT revision 6, minor 4 (5.2.9): hardware-reduced (no PM1 blocks, no SCI, no PM
    // timer); the sleep control/status registers and the reset register are the power
    // device's ports.
    Sdt f("FACP", 6);
    f.put32(40, static_cast<uint32_t>(dsdt));
    f.put8(108, 0x32);  // CENTURY: the RTC's century byte in CMOS
    // IAPC_BOOT_ARCH (5.2.9.3): LEGACY_DEVICES, 8042 (Linux probes the i8042 only then),
    // VGA Not Present. MSI Not Supported stays clear.
    f.put16(109, 0x0007);
    // Flags: RESET_REG_SUP (10), PWR_BUTTON and SLP_BUTTON (4, 5: no fixed-feature
    // buttons), HW_REDUCED_ACPI (20).
    f.put32(112, (1u << 20) | (1u << 10) | (1u << 5) | (1u << 4));
    f.gas_io(116, kPowerPort + kResetReg);
    f.put8(128, kResetValue);
    f.put8(131, 4);  // FADT minor version
    f.put64(140, dsdt);
    f.gas_io(244, kPowerPort + kSleepControl);
    f.gas_io(256, kPowerPort + kSleepStatus);
    f.put_bytes(268, std::string_view("ENVVMM\0\0", 8));  // hypervisor vendor identity
    return f.finish();
}

std::vector<uint8_t> build_rsdp(uint64_t xsdt) {
    // RSDP revision 2 (5.2.5.3): checksum over the first 20 bytes, extended one over 36.
    std::vector<uint8_t> r(36, 0);
    std::memcpy(r.data(), "RSD PTR ", 8);
    std::memcpy(r.data() + 9, "ENVVMM", 6);
    r[15] = 2;
    r[20] = 36;
    for (int i = 0; i < 8; ++i) r[24 + i] = static_cast<uint8_t>(xsdt >> (8 * i));
    r[8] = checksum(r.data(), 20);
    r[32] = checksum(r.data(), 36);
    return r;
}

size_t align16(size_t n) {
    return (n + 15) & ~size_t{15};
}
}  // namespace

std::vector<uint8_t> build_tables(uint64_t base, const MachineDescription& m) {
    // Fixed order: RSDP, XSDT, FADT, MADT, DSDT, each 16-byte aligned.
    Sdt dsdt_table("DSDT", 2);
    dsdt_table.append(build_dsdt_aml(m.pci, kSlpTypS5));
    auto dsdt = dsdt_table.finish();
    auto madt = build_madt(m.vcpus, m.ioapic_id, m.ioapic_addr, m.lapic_addr);

    const uint64_t xsdt_at = base + 0x40;
    const uint64_t fadt_at = xsdt_at + 0x40;
    // The FADT's size does not depend on its contents.
    const uint64_t madt_at = fadt_at + align16(build_fadt(0).size());
    const uint64_t dsdt_at = madt_at + align16(madt.size());
    auto fadt = build_fadt(dsdt_at);

    Sdt x("XSDT", 1);
    x.put64(36, fadt_at);
    x.put64(44, madt_at);
    auto xsdt = x.finish();

    std::vector<uint8_t> image(dsdt_at - base + dsdt.size(), 0);
    auto place = [&](uint64_t at, const std::vector<uint8_t>& t) {
        std::memcpy(image.data() + (at - base), t.data(), t.size());
    };
    place(base, build_rsdp(xsdt_at));
    place(xsdt_at, xsdt);
    place(fadt_at, fadt);
    place(madt_at, madt);
    place(dsdt_at, dsdt);
    return image;
}

Result<uint64_t> write_tables(GuestMemory& mem, const MachineDescription& machine) {
    auto image = build_tables(layout::kAcpiTables, machine);
    if (image.size() > kMaxSize)
        return fail(ErrorKind::Invalid, "ACPI tables do not fit below the MP table");
    TRY(mem.fill(layout::kAcpiTables, kMaxSize, 0));
    TRY(mem.write(layout::kAcpiTables, image));
    return layout::kAcpiTables;
}

}  // namespace env::kvm::acpi

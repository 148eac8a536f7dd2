#pragma once
// The ACPI tables env-vmm publishes (see README.md, "Guest-visible machine"): RSDP -> XSDT
// -> FADT (hardware-reduced, with the power device's sleep and reset registers) -> DSDT
// (PCI host bridge, \_S5), and the MADT (CPUs, IOAPIC, ISA overrides).
#include <cstdint>
#include <vector>

#include "providers/kvm/acpi/dsdt.h"
#include "providers/kvm/hypervisor/guest_memory.h"
#include "util/error.h"

namespace env::kvm::acpi {

struct MachineDescription {
    unsigned vcpus = 1;
    uint8_t ioapic_id = 0;
    uint32_t ioapic_addr = 0;
    uint32_t lapic_addr = 0;
    PciHostConfig pci;
};

// All tables laid out for guest-physical `base`, the RSDP first.
std::vector<uint8_t> build_tables(uint64_t base, const MachineDescription& machine);

// Writes them at layout::kAcpiTables and returns the RSDP's address.
Result<uint64_t> write_tables(GuestMemory& mem, const MachineDescription& machine);

}  // namespace env::kvm::acpi

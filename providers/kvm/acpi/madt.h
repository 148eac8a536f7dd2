#pragma once
// The MADT (ACPI 6.4, 5.2.12): the CPUs' local APICs, the IOAPIC and the ISA interrupt
// source overrides. With ACPI present Linux takes CPUs and interrupt routing from here
// only (it ignores the MP table), so this table is what makes a second vCPU, the IOAPIC
// and the legacy devices' interrupts exist for it.
#include <cstdint>
#include <vector>

namespace env::kvm::acpi {

// ISA IRQs wired to the IOAPIC pin of the same number (edge, active high) that get an
// override entry: on a hardware-reduced ACPI machine Linux has no 8259 and maps only the
// ISA IRQs the MADT names, so the legacy drivers' fixed IRQs (i8042 keyboard 1, COM1 4,
// RTC 8) need one each.
inline constexpr uint8_t kIsaOverrides[] = {1, 4, 8};

std::vector<uint8_t> build_madt(unsigned vcpus, uint8_t ioapic_id, uint32_t ioapic_addr,
                                uint32_t lapic_addr);

}  // namespace env::kvm::acpi

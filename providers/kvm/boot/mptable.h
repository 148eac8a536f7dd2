#pragma once
// The Intel MultiProcessor Specification 1.4 tables: how Linux finds its CPUs, the IOAPIC
// and the interrupt routing when there is no ACPI MADT. Built as bytes for `base`
// (the floating pointer at base, the configuration table right after it).
#include <array>
#include <cstdint>
#include <vector>

namespace env::kvm {

inline constexpr unsigned kMaxVcpus = 32;
inline constexpr uint32_t kIoapicAddr = 0xFEC00000;
inline constexpr uint32_t kLapicAddr = 0xFEE00000;
inline constexpr uint8_t kMpBusPci = 0, kMpBusIsa = 1;

// pci_slots[s]: a device sits in slot s of bus 0 (its INTA gets an I/O interrupt entry).
std::vector<uint8_t> build_mptable(uint32_t base, unsigned cpus,
                                   const std::array<bool, 32>& pci_slots);

}  // namespace env::kvm

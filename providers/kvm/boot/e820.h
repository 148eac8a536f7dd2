#pragma once
// The BIOS memory map (ACPI 6.x, 15 "System Address Map Interfaces"; Linux takes it from
// boot_params.e820_table or from PVH's memmap).
#include <cstdint>
#include <span>
#include <vector>

#include "providers/kvm/hypervisor/guest_memory.h"

namespace env::kvm {

struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;  // 1 RAM, 2 reserved
};
inline constexpr uint32_t kE820Ram = 1, kE820Reserved = 2;

// RAM below 640 KiB (less the EBDA), the reserved BIOS area, RAM from 1 MiB to the hole,
// and RAM above 4 GiB.
std::vector<E820Entry> build_e820(const std::vector<MemoryRegion>& regions);
// Writes the map into a zero page (entries capped at the table's 128 slots).
void write_e820(std::span<uint8_t> boot_params, const std::vector<E820Entry>& map);

}  // namespace env::kvm

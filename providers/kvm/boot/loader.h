#pragma once
// Puts a kernel (bzImage or ELF), its initrd and command line into guest memory and fills
// the structure the kernel reads at entry: boot_params (Linux 64-bit entry) or
// hvm_start_info (PVH). Page tables, GDT and registers are cpu_setup's job.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "providers/kvm/boot/bzimage.h"
#include "providers/kvm/boot/e820.h"
#include "providers/kvm/hypervisor/guest_memory.h"

namespace env::kvm {

enum class EntryMode { Linux64, Pvh32 };

struct BootSetup {
    EntryMode mode = EntryMode::Linux64;
    uint64_t entry = 0;
    uint64_t info_addr = 0;  // boot_params (in rsi) or hvm_start_info (in ebx)
    uint64_t kernel_addr = 0;
    uint64_t kernel_end = 0;
    uint64_t initrd_addr = 0;
    uint64_t initrd_size = 0;
};

// The zero page for the 64-bit entry. `header` is the bzImage's setup header, or null for
// an ELF kernel (then a minimal header is synthesized, as Firecracker does for vmlinux).
std::vector<uint8_t> build_zero_page(const BzImage* header, uint64_t cmdline_addr,
                                     size_t cmdline_len, uint64_t initrd_addr, uint64_t initrd_size,
                                     const std::vector<E820Entry>& e820, uint64_t acpi_rsdp);

// Highest page-aligned address for an initrd of `size` bytes whose last byte stays at or
// below `addr_max` and inside RAM, not below `floor` (the kernel's end).
Result<uint64_t> place_initrd(uint64_t size, uint64_t addr_max, uint64_t floor, uint64_t ram_end);

Result<BootSetup> load_guest(GuestMemory& mem, std::span<const uint8_t> kernel,
                             std::span<const uint8_t> initrd, const std::string& cmdline,
                             uint64_t acpi_rsdp = 0);

}  // namespace env::kvm

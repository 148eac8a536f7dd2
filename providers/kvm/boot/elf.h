#pragma once
// An uncompressed ELF kernel (vmlinux, or our tiny guest): PT_LOAD segments go to their
// physical addresses. Entry is e_entry in 64-bit mode with boot_params in rsi, as for the
// bzImage's 64-bit entry, unless a PVH note (Xen's XEN_ELFNOTE_PHYS32_ENTRY, 18) names a
// 32-bit entry: then the PVH boot ABI applies (xen/include/public/arch-x86/hvm/start_info.h).
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "util/error.h"

namespace env::kvm {

struct ElfSegment {
    uint64_t paddr;
    uint64_t memsz;
    std::span<const uint8_t> data;  // filesz bytes; the rest up to memsz is zeroed
};

struct ElfKernel {
    uint64_t entry = 0;
    std::optional<uint32_t> pvh_entry;
    uint64_t end = 0;  // highest byte + 1 of any segment
    std::vector<ElfSegment> segments;
};

bool is_elf(std::span<const uint8_t> file);
// Validates the header, program headers and notes against the file's bounds.
Result<ElfKernel> parse_elf(std::span<const uint8_t> file);

}  // namespace env::kvm

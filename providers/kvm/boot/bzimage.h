#pragma once
// A bzImage as the x86 boot protocol describes it (Documentation/arch/x86/boot.rst):
// the real-mode setup (setup_sects + 1 sectors, carrying the setup header at 0x1F1) followed
// by the protected-mode kernel, which we load and enter at its 64-bit entry
// (load address + 0x200, "64-bit BOOT PROTOCOL").
#include <cstdint>
#include <span>

#include "util/error.h"

namespace env::kvm {

struct BzImage {
    uint16_t version = 0;
    unsigned setup_sects = 0;  // 0 means 4 (boot.rst, "setup_sects")
    uint8_t loadflags = 0;
    uint16_t xloadflags = 0;
    bool relocatable = false;
    uint32_t kernel_alignment = 0;
    uint64_t pref_address = 0;
    uint32_t init_size = 0;                 // memory the kernel needs from its load address
    uint32_t initrd_addr_max = 0;           // highest address the initrd's last byte may occupy
    uint32_t cmdline_size = 0;              // longest command line, NUL excluded
    std::span<const uint8_t> setup_header;  // file bytes 0x1F1 .. end of header
    std::span<const uint8_t> kernel;        // the protected-mode part
};

// Parses and validates; refuses what we cannot boot (no 64-bit entry, too old a protocol).
Result<BzImage> parse_bzimage(std::span<const uint8_t> file);

// Where to load the protected-mode kernel: pref_address when relocatable and it fits in RAM
// below `ram_end`, aligned to kernel_alignment; else 1 MiB. Fails if init_size does not fit.
Result<uint64_t> bzimage_load_address(const BzImage& image, uint64_t ram_end);

}  // namespace env::kvm

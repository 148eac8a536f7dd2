#pragma once
// Where the VMM puts things in guest-physical memory before the first instruction.
// Everything below 1 MiB sits in places a PC BIOS would use, so Linux reserves it itself.
#include <cstdint>

namespace env::kvm::layout {

inline constexpr uint64_t kGdt = 0x500;
inline constexpr uint64_t kIdt = 0x520;
inline constexpr uint64_t kPvhStartInfo = 0x6000;  // hvm_start_info, then memmap and modules
inline constexpr uint64_t kBootParams = 0x7000;    // the "zero page" (struct boot_params)
inline constexpr uint64_t kBootStack = 0x8FF0;
inline constexpr uint64_t kPml4 = 0x9000;
inline constexpr uint64_t kPdpt = 0xA000;
inline constexpr uint64_t kPd =
    0xB000;  // four page directories: 0xB000-0xEFFF, 4 GiB of 2 MiB pages
inline constexpr uint64_t kCmdline = 0x20000;
inline constexpr uint64_t kCmdlineMax = 0x10000;  // bytes available at kCmdline, NUL included
inline constexpr uint64_t kEbda = 0x9FC00;
inline constexpr uint64_t kLowRamEnd = 0xA0000;
inline constexpr uint64_t kBiosArea = 0xE0000;  // reserved up to 1 MiB
inline constexpr uint64_t kAcpiTables = 0xE0000;
inline constexpr uint64_t kMpTable = 0xF0000;  // scanned by Linux (MP spec 1.4, 4.0)
inline constexpr uint64_t kHighMem = 0x100000;

}  // namespace env::kvm::layout

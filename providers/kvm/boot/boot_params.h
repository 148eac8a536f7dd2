#pragma once
// Offsets into struct boot_params ("the zero page") and its embedded setup header, from the
// Linux x86 boot protocol (Documentation/arch/x86/boot.rst, "THE REAL-MODE KERNEL HEADER")
// and arch/x86/include/uapi/asm/bootparam.h. Byte offsets, not a packed struct: the same
// constants read the header out of a bzImage file and write it into guest memory.
#include <cstdint>
#include <cstring>
#include <span>

namespace env::kvm::bp {

inline constexpr size_t kSize = 4096;
inline constexpr unsigned kAcpiRsdpAddr = 0x070;  // u64, protocol 2.14
inline constexpr unsigned kExtRamdiskImage = 0x0C0, kExtRamdiskSize = 0x0C4, kExtCmdLinePtr = 0x0C8;
inline constexpr unsigned kE820Entries = 0x1E8;
inline constexpr unsigned kE820Table = 0x2D0, kE820Max = 128, kE820EntrySize = 20;

// Setup header (offsets are within the file and within boot_params alike).
inline constexpr unsigned kSetupSects = 0x1F1, kVidMode = 0x1FA, kBootFlag = 0x1FE, kJump = 0x200,
                          kHeader = 0x202, kVersion = 0x206, kTypeOfLoader = 0x210,
                          kLoadFlags = 0x211, kCode32Start = 0x214, kRamdiskImage = 0x218,
                          kRamdiskSize = 0x21C, kHeapEndPtr = 0x224, kCmdLinePtr = 0x228,
                          kInitrdAddrMax = 0x22C, kKernelAlignment = 0x230,
                          kRelocatableKernel = 0x234, kXLoadFlags = 0x236, kCmdlineSize = 0x238,
                          kPrefAddress = 0x258, kInitSize = 0x260;
inline constexpr uint32_t kHdrSMagic = 0x53726448;  // "HdrS"
inline constexpr uint16_t kBootFlagMagic = 0xAA55;
inline constexpr uint8_t kLoadedHigh = 0x01, kCanUseHeap = 0x80;
inline constexpr uint16_t kXlfKernel64 = 0x01, kXlfCanBeLoadedAbove4G = 0x02;

inline uint8_t get8(std::span<const uint8_t> b, unsigned off) {
    return off < b.size() ? b[off] : 0;
}
inline uint16_t get16(std::span<const uint8_t> b, unsigned off) {
    return off + 2 <= b.size() ? uint16_t(b[off] | b[off + 1] << 8) : 0;
}
inline uint32_t get32(std::span<const uint8_t> b, unsigned off) {
    return off + 4 <= b.size() ? uint32_t(get16(b, off)) | uint32_t(get16(b, off + 2)) << 16 : 0;
}
inline uint64_t get64(std::span<const uint8_t> b, unsigned off) {
    return uint64_t(get32(b, off)) | uint64_t(get32(b, off + 4)) << 32;
}
inline void put8(std::span<uint8_t> b, unsigned off, uint8_t v) {
    b[off] = v;
}
inline void put16(std::span<uint8_t> b, unsigned off, uint16_t v) {
    b[off] = v & 0xFF;
    b[off + 1] = v >> 8;
}
inline void put32(std::span<uint8_t> b, unsigned off, uint32_t v) {
    put16(b, off, v & 0xFFFF);
    put16(b, off + 2, v >> 16);
}
inline void put64(std::span<uint8_t> b, unsigned off, uint64_t v) {
    put32(b, off, uint32_t(v));
    put32(b, off + 4, uint32_t(v >> 32));
}

}  // namespace env::kvm::bp

#include "providers/kvm/boot/bzimage.h"

#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/boot/layout.h"

namespace env::kvm {

Result<BzImage> parse_bzimage(std::span<const uint8_t> f) {
    if (f.size() < 0x270) return fail(ErrorKind::Invalid, "kernel image too small to be a bzImage");
    if (bp::get32(f, bp::kHeader) != bp::kHdrSMagic ||
        bp::get16(f, bp::kBootFlag) != bp::kBootFlagMagic)
        return fail(ErrorKind::Invalid, "not a bzImage (no HdrS signature)");
    BzImage b;
    b.version = bp::get16(f, bp::kVersion);
    // 2.12 brought xloadflags and with it the 64-bit entry point we use.
    if (b.version < 0x020C)
        return fail(ErrorKind::Invalid, "boot protocol " + std::to_string(b.version >> 8) + "." +
                                            std::to_string(b.version & 0xFF) +
                                            " is older than 2.12");
    b.loadflags = bp::get8(f, bp::kLoadFlags);
    b.xloadflags = bp::get16(f, bp::kXLoadFlags);
    if (!(b.loadflags & bp::kLoadedHigh))
        return fail(ErrorKind::Invalid, "zImage (not loaded high) is not supported");
    if (!(b.xloadflags & bp::kXlfKernel64))
        return fail(ErrorKind::Invalid, "kernel has no 64-bit entry point (XLF_KERNEL_64)");
    b.setup_sects = bp::get8(f, bp::kSetupSects);
    if (b.setup_sects == 0) b.setup_sects = 4;
    b.relocatable = bp::get8(f, bp::kRelocatableKernel) != 0;
    b.kernel_alignment = bp::get32(f, bp::kKernelAlignment);
    b.pref_address = bp::get64(f, bp::kPrefAddress);
    b.init_size = bp::get32(f, bp::kInitSize);
    b.initrd_addr_max = bp::get32(f, bp::kInitrdAddrMax);
    b.cmdline_size = bp::get32(f, bp::kCmdlineSize);
    // The header runs from 0x1F1 to 0x202 plus the jump's offset byte at 0x201.
    size_t header_end = 0x202 + f[0x201];
    if (header_end > f.size() || header_end <= bp::kHeader)
        return fail(ErrorKind::Invalid, "bzImage header length is wrong");
    b.setup_header = f.subspan(bp::kSetupSects, header_end - bp::kSetupSects);
    size_t setup = (size_t(b.setup_sects) + 1) * 512;
    if (setup >= f.size())
        return fail(ErrorKind::Invalid, "bzImage has no protected-mode kernel after its setup");
    b.kernel = f.subspan(setup);
    if (b.init_size < b.kernel.size()) b.init_size = static_cast<uint32_t>(b.kernel.size());
    if (b.kernel_alignment == 0 || (b.kernel_alignment & (b.kernel_alignment - 1)))
        b.kernel_alignment = 0x200000;
    return b;
}

Result<uint64_t> bzimage_load_address(const BzImage& b, uint64_t ram_end) {
    uint64_t addr = layout::kHighMem;
    if (b.relocatable && b.pref_address >= layout::kHighMem) {
        uint64_t a = (b.pref_address + b.kernel_alignment - 1) & ~uint64_t(b.kernel_alignment - 1);
        if (a + b.init_size <= ram_end) addr = a;
    }
    if (addr + b.init_size > ram_end)
        return fail(ErrorKind::Invalid,
                    "guest memory too small for the kernel (init_size " +
                        std::to_string(b.init_size >> 10) + " KiB at 0x" + ([&] {
                            char s[20];
                            snprintf(s, sizeof s, "%llx", (unsigned long long)addr);
                            return std::string(s);
                        })() +
                        ")");
    return addr;
}

}  // namespace env::kvm

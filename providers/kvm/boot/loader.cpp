#include "providers/kvm/boot/loader.h"

#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/boot/elf.h"
#include "providers/kvm/boot/layout.h"

namespace env::kvm {

namespace {
// hvm_start_info and friends (xen/include/public/arch-x86/hvm/start_info.h, version 1).
constexpr uint32_t kPvhMagic = 0x336EC578;
constexpr uint64_t kPvhMemmap = layout::kPvhStartInfo + 0x100;
constexpr uint64_t kPvhModlist = layout::kPvhStartInfo + 0xC00;
// Default initrd limit for protocols before 2.03 (boot.rst, "initrd_addr_max").
constexpr uint32_t kDefaultInitrdMax = 0x37FFFFFF;

Result<> write_pvh(GuestMemory& mem, const BootSetup& b, uint64_t cmdline_addr,
                   const std::vector<E820Entry>& e820, uint64_t rsdp) {
    std::vector<uint8_t> si(56, 0);
    std::span<uint8_t> s(si);
    bp::put32(s, 0, kPvhMagic);
    bp::put32(s, 4, 1);  // version
    bp::put32(s, 8, 0);  // flags
    bp::put32(s, 12, b.initrd_size ? 1 : 0);
    bp::put64(s, 16, b.initrd_size ? kPvhModlist : 0);
    bp::put64(s, 24, cmdline_addr);
    bp::put64(s, 32, rsdp);
    bp::put64(s, 40, kPvhMemmap);
    bp::put32(s, 48, static_cast<uint32_t>(e820.size()));
    TRY(mem.write(layout::kPvhStartInfo, si));
    std::vector<uint8_t> mm(e820.size() * 24, 0);
    for (size_t i = 0; i < e820.size(); ++i) {
        std::span<uint8_t> m(mm);
        bp::put64(m, unsigned(i * 24), e820[i].addr);
        bp::put64(m, unsigned(i * 24 + 8), e820[i].size);
        bp::put32(m, unsigned(i * 24 + 16), e820[i].type);
    }
    TRY(mem.write(kPvhMemmap, mm));
    if (b.initrd_size) {
        std::vector<uint8_t> mod(32, 0);
        bp::put64(mod, 0, b.initrd_addr);
        bp::put64(mod, 8, b.initrd_size);
        TRY(mem.write(kPvhModlist, mod));
    }
    return {};
}
}  // namespace

std::vector<uint8_t> build_zero_page(const BzImage* header, uint64_t cmdline_addr,
                                     size_t cmdline_len, uint64_t initrd_addr, uint64_t initrd_size,
                                     const std::vector<E820Entry>& e820, uint64_t acpi_rsdp) {
    std::vector<uint8_t> zp(bp::kSize, 0);
    std::span<uint8_t> z(zp);
    if (header) {
        // Copy the kernel's own header, then fill in the loader's fields (boot.rst,
        // "DETAILS OF HEADER FIELDS": fields marked "write" or "modify").
        std::copy(header->setup_header.begin(), header->setup_header.end(),
                  zp.begin() + bp::kSetupSects);
    } else {
        bp::put16(z, bp::kBootFlag, bp::kBootFlagMagic);
        bp::put32(z, bp::kHeader, bp::kHdrSMagic);
        bp::put32(z, bp::kKernelAlignment, 0x1000000);
    }
    bp::put16(z, bp::kVidMode, 0xFFFF);    // "normal"
    bp::put8(z, bp::kTypeOfLoader, 0xFF);  // undefined boot loader
    bp::put8(z, bp::kLoadFlags, bp::get8(z, bp::kLoadFlags) | bp::kLoadedHigh);
    bp::put32(z, bp::kCmdLinePtr, uint32_t(cmdline_addr));
    bp::put32(z, bp::kExtCmdLinePtr, uint32_t(cmdline_addr >> 32));
    if (!header) bp::put32(z, bp::kCmdlineSize, uint32_t(cmdline_len));
    bp::put32(z, bp::kRamdiskImage, uint32_t(initrd_addr));
    bp::put32(z, bp::kRamdiskSize, uint32_t(initrd_size));
    bp::put32(z, bp::kExtRamdiskImage, uint32_t(initrd_addr >> 32));
    bp::put32(z, bp::kExtRamdiskSize, uint32_t(initrd_size >> 32));
    if (acpi_rsdp) bp::put64(z, bp::kAcpiRsdpAddr, acpi_rsdp);
    write_e820(z, e820);
    return zp;
}

Result<uint64_t> place_initrd(uint64_t size, uint64_t addr_max, uint64_t floor, uint64_t ram_end) {
    uint64_t top = ram_end;  // exclusive
    if (addr_max + 1 < top) top = addr_max + 1;
    if (size > top) return fail(ErrorKind::Invalid, "initrd does not fit in guest memory");
    uint64_t addr = (top - size) & ~uint64_t(0xFFF);
    if (addr < floor)
        return fail(ErrorKind::Invalid, "initrd (" + std::to_string(size >> 10) +
                                            " KiB) does not fit between the kernel and the initrd "
                                            "limit; give the guest more memory");
    return addr;
}

Result<BootSetup> load_guest(GuestMemory& mem, std::span<const uint8_t> kernel,
                             std::span<const uint8_t> initrd, const std::string& cmdline,
                             uint64_t rsdp) {
    BootSetup b;
    const uint64_t ram_end = mem.low_end();
    std::optional<BzImage> bz;
    uint32_t initrd_max = kDefaultInitrdMax;
    uint64_t cmdline_max = layout::kCmdlineMax - 1;
    if (is_elf(kernel)) {
        auto elf = TRY(parse_elf(kernel));
        for (const auto& s : elf.segments) {
            if (s.paddr < layout::kHighMem)
                return fail(ErrorKind::Invalid, "ELF kernel segment below 1 MiB");
            TRY(mem.write(s.paddr, s.data));
            TRY(mem.fill(s.paddr + s.data.size(), s.memsz - s.data.size(), 0));
        }
        b.kernel_addr = elf.segments.front().paddr;
        b.kernel_end = elf.end;
        if (elf.pvh_entry) {
            b.mode = EntryMode::Pvh32;
            b.entry = *elf.pvh_entry;
        } else {
            b.entry = elf.entry;
        }
    } else {
        bz = TRY(parse_bzimage(kernel));
        b.kernel_addr = TRY(bzimage_load_address(*bz, ram_end));
        TRY(mem.write(b.kernel_addr, bz->kernel));
        b.kernel_end = b.kernel_addr + bz->init_size;
        b.entry = b.kernel_addr + 0x200;  // 64-bit entry (boot.rst, "64-bit BOOT PROTOCOL")
        if (bz->initrd_addr_max) initrd_max = bz->initrd_addr_max;
        if (bz->cmdline_size && bz->cmdline_size < cmdline_max) cmdline_max = bz->cmdline_size;
    }
    if (cmdline.size() > cmdline_max)
        return fail(ErrorKind::Invalid, "command line is " + std::to_string(cmdline.size()) +
                                            " bytes; the kernel accepts at most " +
                                            std::to_string(cmdline_max));
    std::vector<uint8_t> cl(cmdline.begin(), cmdline.end());
    cl.push_back(0);
    TRY(mem.write(layout::kCmdline, cl));
    if (!initrd.empty()) {
        b.initrd_size = initrd.size();
        b.initrd_addr = TRY(
            place_initrd(initrd.size(), initrd_max, (b.kernel_end + 0xFFF) & ~0xFFFull, ram_end));
        TRY(mem.write(b.initrd_addr, initrd));
    }
    auto e820 = build_e820(mem.regions());
    if (b.mode == EntryMode::Pvh32) {
        b.info_addr = layout::kPvhStartInfo;
        TRY(write_pvh(mem, b, layout::kCmdline, e820, rsdp));
    } else {
        b.info_addr = layout::kBootParams;
        auto zp = build_zero_page(bz ? &*bz : nullptr, layout::kCmdline, cmdline.size() + 1,
                                  b.initrd_addr, b.initrd_size, e820, rsdp);
        TRY(mem.write(layout::kBootParams, zp));
    }
    return b;
}

}  // namespace env::kvm

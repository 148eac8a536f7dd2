#include "providers/kvm/boot/cpu_setup.h"

#include <vector>

#include "providers/kvm/boot/layout.h"

namespace env::kvm {

namespace {
constexpr uint64_t kPresent = 1, kWritable = 2, kPageSize = 0x80;
constexpr uint64_t kCr0Pe = 1, kCr0Et = 0x10, kCr0Ne = 0x20, kCr0Pg = 0x80000000;
constexpr uint64_t kCr4Pae = 0x20;
constexpr uint64_t kEferLme = 0x100, kEferLma = 0x400;
constexpr uint16_t kBootCs = 0x10, kBootDs = 0x18, kBootTss = 0x20;

// GDT descriptors (SDM vol 3A, 3.4.5): flags in bits 52-55, access byte in 40-47.
constexpr uint64_t gdt_entry(uint16_t flags, uint32_t base, uint32_t limit) {
    return ((uint64_t(base) & 0xFF000000) << 32) | ((uint64_t(flags) & 0xF0FF) << 40) |
           ((uint64_t(limit) & 0xF0000) << 32) | ((uint64_t(base) & 0x00FFFFFF) << 16) |
           (uint64_t(limit) & 0xFFFF);
}
// Index 2: 64-bit code (L=1), 3: data, 4: TSS; the PVH 32-bit code uses the same slot with D=1.
constexpr uint64_t kGdt64[] = {0, 0, gdt_entry(0xA09B, 0, 0xFFFFF), gdt_entry(0xC093, 0, 0xFFFFF),
                               gdt_entry(0x808B, 0, 0xFFFFF)};
constexpr uint64_t kGdt32[] = {0, 0, gdt_entry(0xC09B, 0, 0xFFFFF), gdt_entry(0xC093, 0, 0xFFFFF),
                               gdt_entry(0x808B, 0, 0xFFFFF)};

kvm_segment segment(uint64_t desc, uint16_t selector) {
    kvm_segment s{};
    s.base = ((desc >> 16) & 0xFFFFFF) | ((desc >> 32) & 0xFF000000);
    uint32_t limit = static_cast<uint32_t>((desc & 0xFFFF) | ((desc >> 32) & 0xF0000));
    s.g = (desc >> 55) & 1;
    s.limit = s.g ? (limit << 12) | 0xFFF : limit;
    s.selector = selector;
    s.type = (desc >> 40) & 0xF;
    s.s = (desc >> 44) & 1;
    s.dpl = (desc >> 45) & 3;
    s.present = (desc >> 47) & 1;
    s.avl = (desc >> 52) & 1;
    s.l = (desc >> 53) & 1;
    s.db = (desc >> 54) & 1;
    s.unusable = s.present ? 0 : 1;
    return s;
}
}  // namespace

Result<> write_boot_tables(GuestMemory& mem, EntryMode mode) {
    // PML4[0] -> PDPT; PDPT[0..3] -> four PDs; each PD maps 1 GiB with 2 MiB pages.
    TRY(mem.fill(layout::kPml4, 0x6000, 0));
    TRY(mem.write_obj(layout::kPml4, uint64_t(layout::kPdpt | kPresent | kWritable)));
    for (uint64_t i = 0; i < 4; ++i) {
        uint64_t pd = layout::kPd + i * 0x1000;
        TRY(mem.write_obj(layout::kPdpt + i * 8, uint64_t(pd | kPresent | kWritable)));
        std::vector<uint64_t> entries(512);
        for (uint64_t j = 0; j < 512; ++j)
            entries[j] = ((i << 30) | (j << 21)) | kPresent | kWritable | kPageSize;
        TRY(mem.write(pd, {reinterpret_cast<const unsigned char*>(entries.data()), 4096}));
    }
    const uint64_t* gdt = mode == EntryMode::Linux64 ? kGdt64 : kGdt32;
    TRY(mem.write(layout::kGdt, {reinterpret_cast<const unsigned char*>(gdt), sizeof kGdt64}));
    TRY(mem.fill(layout::kIdt, 8, 0));
    return {};
}

kvm_sregs boot_sregs(kvm_sregs s, EntryMode mode) {
    const uint64_t* gdt = mode == EntryMode::Linux64 ? kGdt64 : kGdt32;
    s.gdt.base = layout::kGdt;
    s.gdt.limit = sizeof kGdt64 - 1;
    s.idt.base = layout::kIdt;
    s.idt.limit = 7;
    s.cs = segment(gdt[2], kBootCs);
    s.ds = s.es = s.fs = s.gs = s.ss = segment(gdt[3], kBootDs);
    s.tr = segment(gdt[4], kBootTss);
    if (mode == EntryMode::Linux64) {
        s.cr0 = kCr0Pe | kCr0Et | kCr0Ne | kCr0Pg;
        s.cr3 = layout::kPml4;
        s.cr4 = kCr4Pae;
        s.efer = kEferLme | kEferLma;
    } else {
        // PVH: 32-bit protected mode, paging off (start_info.h, "Entry point").
        s.cr0 = kCr0Pe | kCr0Et | kCr0Ne;
        s.cr3 = 0;
        s.cr4 = 0;
        s.efer = 0;
    }
    return s;
}

kvm_regs boot_regs(const BootSetup& b) {
    kvm_regs r{};
    r.rflags = 0x2;  // bit 1 is reserved-one; interrupts off
    r.rip = b.entry;
    r.rsp = r.rbp = layout::kBootStack;
    if (b.mode == EntryMode::Linux64)
        r.rsi = b.info_addr;
    else
        r.rbx = b.info_addr;
    return r;
}

}  // namespace env::kvm

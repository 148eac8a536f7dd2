#include <catch2/catch.hpp>

#include "providers/kvm/boot/cpu_setup.h"
#include "providers/kvm/boot/layout.h"

using namespace env::kvm;

TEST_CASE("64-bit entry: long mode, paging on, __BOOT_CS/__BOOT_DS, boot_params in rsi", "[kvm][boot]") {
    auto s = boot_sregs(kvm_sregs{}, EntryMode::Linux64);
    CHECK((s.cr0 & 0x80000001) == 0x80000001);
    CHECK((s.cr4 & 0x20));
    CHECK((s.efer & 0x500) == 0x500);
    CHECK(s.cr3 == layout::kPml4);
    CHECK(s.cs.selector == 0x10);
    CHECK(s.cs.l == 1);
    CHECK(s.cs.db == 0);
    CHECK(s.ds.selector == 0x18);
    CHECK(s.ss.limit == 0xFFFFFFFF);
    BootSetup b;
    b.entry = 0x1000200;
    b.info_addr = layout::kBootParams;
    auto r = boot_regs(b);
    CHECK(r.rip == 0x1000200);
    CHECK(r.rsi == layout::kBootParams);
    CHECK((r.rflags & 0x200) == 0);  // interrupts off
}

TEST_CASE("PVH entry: flat 32-bit protected mode, paging off, start_info in ebx", "[kvm][boot]") {
    auto s = boot_sregs(kvm_sregs{}, EntryMode::Pvh32);
    CHECK((s.cr0 & 0x80000001) == 1);
    CHECK(s.efer == 0);
    CHECK(s.cs.db == 1);
    CHECK(s.cs.l == 0);
    CHECK(s.cs.base == 0);
    CHECK(s.cs.limit == 0xFFFFFFFF);
    BootSetup b;
    b.mode = EntryMode::Pvh32;
    b.info_addr = layout::kPvhStartInfo;
    CHECK(boot_regs(b).rbx == layout::kPvhStartInfo);
}

TEST_CASE("identity page tables map the first 4 GiB with 2 MiB pages", "[kvm][boot]") {
    auto mem = GuestMemory::create(16 << 20);
    REQUIRE(mem);
    REQUIRE(write_boot_tables(*mem, EntryMode::Linux64));
    auto walk = [&](uint64_t va) -> uint64_t {
        uint64_t e;
        mem->read(layout::kPml4 + ((va >> 39) & 511) * 8, {reinterpret_cast<uint8_t*>(&e), 8});
        mem->read((e & ~0xFFFull) + ((va >> 30) & 511) * 8, {reinterpret_cast<uint8_t*>(&e), 8});
        mem->read((e & ~0xFFFull) + ((va >> 21) & 511) * 8, {reinterpret_cast<uint8_t*>(&e), 8});
        REQUIRE((e & 0x81) == 0x81);  // present, 2 MiB
        return (e & ~0x1FFFFFull) | (va & 0x1FFFFF);
    };
    for (uint64_t va : {0x0ull, 0x100200ull, 0x1000000ull, 0xBFFFFFFFull, 0xFEC00000ull, 0xFFFFFFFFull})
        CHECK(walk(va) == va);
}

#include <catch2/catch.hpp>

#include "providers/kvm/boot/elf.h"
#include "test_files.h"

using namespace env;
using namespace env::kvm;

TEST_CASE("ELF kernels: 64-bit entry, or the PVH note's 32-bit entry", "[kvm][boot]") {
    auto plain = test::bytes(*sys::read_file(test::guest_image("tiny-guest.elf")));
    auto k = parse_elf(plain);
    REQUIRE(k);
    CHECK(k->entry == 0x100200);
    CHECK_FALSE(k->pvh_entry);
    CHECK(k->segments.front().paddr == 0x100000);

    auto pvh = test::bytes(*sys::read_file(test::guest_image("tiny-guest-pvh.elf")));
    auto p = parse_elf(pvh);
    REQUIRE(p);
    REQUIRE(p->pvh_entry);
    CHECK(*p->pvh_entry > 0x100200);
    CHECK(*p->pvh_entry < p->end);
}

TEST_CASE("ELF parser survives every truncation and byte flip of a kernel", "[kvm][boot]") {
    auto file = test::bytes(*sys::read_file(test::guest_image("tiny-guest-pvh.elf")));
    for (size_t n = 0; n < file.size(); n += 97) (void)parse_elf(std::span<const uint8_t>(file).first(n));
    for (size_t i = 0; i < 512 && i < file.size(); ++i) {
        auto f = file;
        f[i] ^= 0xFF;
        auto k = parse_elf(f);
        if (k)
            for (const auto& s : k->segments) CHECK(s.data.data() + s.data.size() <= f.data() + f.size());
    }
    SUCCEED("no crash, no out-of-file segment");
}

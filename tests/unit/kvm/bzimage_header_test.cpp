#include <catch2/catch.hpp>

#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/boot/bzimage.h"
#include "providers/kvm/boot/e820.h"
#include "providers/kvm/boot/loader.h"
#include "test_files.h"

using namespace env;
using namespace env::kvm;

TEST_CASE("Debian's cloud kernel: setup header parsed as the boot protocol defines it",
          "[kvm][boot]") {
    auto path = test::debian_kernel();
    if (!path) {
        ENV_SKIP(test::kNoKernel);
    }
    auto file = test::bytes(*sys::read_file(*path));
    auto bz = parse_bzimage(file);
    REQUIRE(bz);
    CHECK(bz->version >= 0x020C);
    CHECK(bz->setup_sects == file[0x1F1]);
    CHECK(bz->kernel.size() == file.size() - (file[0x1F1] + 1) * 512);
    CHECK(bz->relocatable);
    CHECK(bz->pref_address == bp::get64(file, 0x258));
    CHECK(bz->kernel_alignment == bp::get32(file, 0x230));
    CHECK(bz->init_size == bp::get32(file, 0x260));
    CHECK(bz->initrd_addr_max == bp::get32(file, 0x22C));
    CHECK(bz->cmdline_size == bp::get32(file, 0x238));
    CHECK((bz->xloadflags & bp::kXlfKernel64));
    // The header copied into the zero page is the file's own, from 0x1F1 to the jump target.
    CHECK(bz->setup_header.size() == size_t(0x202 + file[0x201] - 0x1F1));

    SECTION("loaded at pref_address when memory allows, aligned to kernel_alignment") {
        auto addr = bzimage_load_address(*bz, 256ull << 20);
        REQUIRE(addr);
        CHECK(*addr == bz->pref_address);
        CHECK(*addr % bz->kernel_alignment == 0);
    }
    SECTION("refused when init_size does not fit") {
        auto addr = bzimage_load_address(*bz, bz->pref_address + bz->init_size / 2);
        CHECK_FALSE(addr);
    }
    SECTION("zero page carries the file's header plus the loader's fields") {
        auto e820 = build_e820({{0, 256ull << 20, 0}});
        auto zp = build_zero_page(&*bz, 0x20000, 10, 0x7000000, 0x100000, e820, 0xE0000);
        for (size_t i = 0x1F1; i < 0x202 + size_t(file[0x201]); ++i) {
            if (i == bp::kVidMode || i == bp::kVidMode + 1 || i == bp::kTypeOfLoader ||
                i == bp::kLoadFlags || (i >= bp::kRamdiskImage && i < bp::kRamdiskImage + 8) ||
                (i >= bp::kCmdLinePtr && i < bp::kCmdLinePtr + 4))
                continue;
            INFO("offset " << i);
            CHECK(zp[i] == file[i]);
        }
        CHECK(bp::get8(zp, bp::kTypeOfLoader) == 0xFF);
        CHECK(bp::get32(zp, bp::kCmdLinePtr) == 0x20000);
        CHECK(bp::get32(zp, bp::kRamdiskImage) == 0x7000000);
        CHECK(bp::get32(zp, bp::kRamdiskSize) == 0x100000);
        CHECK(bp::get64(zp, bp::kAcpiRsdpAddr) == 0xE0000);
        CHECK(bp::get8(zp, bp::kE820Entries) == e820.size());
    }
}

TEST_CASE("tiny guest bzImage: non-relocatable kernel goes to 1 MiB, entry at +0x200",
          "[kvm][boot]") {
    auto text = sys::read_file(test::guest_image("tiny-guest.bzImage"));
    REQUIRE(text);
    auto file = test::bytes(*text);
    auto bz = parse_bzimage(file);
    REQUIRE(bz);
    CHECK(bz->setup_sects == 1);
    CHECK_FALSE(bz->relocatable);
    CHECK(bz->cmdline_size == 2047);
    CHECK(*bzimage_load_address(*bz, 64 << 20) == 0x100000);
}

TEST_CASE("bzImage parser refuses what it cannot boot", "[kvm][boot]") {
    std::vector<uint8_t> f(0x2000, 0);
    CHECK_FALSE(parse_bzimage(f));  // no HdrS
    bp::put16(f, bp::kBootFlag, 0xAA55);
    bp::put32(f, bp::kHeader, bp::kHdrSMagic);
    f[0x201] = 0x6A;
    f[bp::kSetupSects] = 1;
    bp::put16(f, bp::kVersion, 0x020A);
    f[bp::kLoadFlags] = 1;
    CHECK_FALSE(parse_bzimage(f));  // protocol too old for the 64-bit entry
    bp::put16(f, bp::kVersion, 0x020F);
    CHECK_FALSE(parse_bzimage(f));  // no XLF_KERNEL_64
    bp::put16(f, bp::kXLoadFlags, 1);
    CHECK(parse_bzimage(f));
    f[bp::kSetupSects] = 200;  // setup larger than the file
    CHECK_FALSE(parse_bzimage(f));
    CHECK_FALSE(parse_bzimage(std::span<const uint8_t>(f).first(0x100)));
}

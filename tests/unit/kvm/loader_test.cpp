#include <catch2/catch.hpp>

#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/boot/layout.h"
#include "providers/kvm/boot/loader.h"
#include "test_files.h"

using namespace env;
using namespace env::kvm;

TEST_CASE("initrd placed as high as the limits allow, page aligned, above the kernel",
          "[kvm][boot]") {
    auto a = place_initrd(10000, 0x7FFFFFFF, 0x200000, 64 << 20);
    REQUIRE(a);
    CHECK(*a % 4096 == 0);
    CHECK(*a + 10000 <= (64u << 20));
    CHECK(*a + 4096 + 10000 > (64u << 20));
    // initrd_addr_max below RAM's end wins.
    auto b = place_initrd(10000, 0x1FFFFFF, 0x200000, 64 << 20);
    REQUIRE(b);
    CHECK(*b + 10000 - 1 <= 0x1FFFFFF);
    CHECK_FALSE(place_initrd(60 << 20, 0x7FFFFFFF, 0x800000, 64 << 20));
}

TEST_CASE("load_guest: Debian kernel, initrd and cmdline land where boot_params says",
          "[kvm][boot]") {
    auto path = test::debian_kernel();
    if (!path) {
        ENV_SKIP(test::kNoKernel);
    }
    auto kernel = test::bytes(*sys::read_file(*path));
    auto mem = GuestMemory::create(256ull << 20);
    REQUIRE(mem);
    std::vector<uint8_t> initrd(300000);
    for (size_t i = 0; i < initrd.size(); ++i) initrd[i] = uint8_t(i * 7);
    auto b = load_guest(*mem, kernel, initrd, "console=ttyS0 quiet");
    REQUIRE(b);
    CHECK(b->mode == EntryMode::Linux64);
    CHECK(b->kernel_addr == bp::get64(kernel, bp::kPrefAddress));
    CHECK(b->entry == b->kernel_addr + 0x200);
    std::vector<uint8_t> zp(4096);
    REQUIRE(mem->read(layout::kBootParams, zp));
    CHECK(bp::get32(zp, bp::kRamdiskImage) == b->initrd_addr);
    CHECK(b->initrd_addr >= b->kernel_addr + bp::get32(kernel, bp::kInitSize));
    CHECK(b->initrd_addr + initrd.size() - 1 <= bp::get32(kernel, bp::kInitrdAddrMax));
    std::vector<uint8_t> back(initrd.size());
    REQUIRE(mem->read(b->initrd_addr, back));
    CHECK(back == initrd);
    char cl[32] = {};
    REQUIRE(mem->read(bp::get32(zp, bp::kCmdLinePtr), {reinterpret_cast<uint8_t*>(cl), 20}));
    CHECK(std::string(cl) == "console=ttyS0 quiet");
    // The protected-mode code is at the load address, byte for byte.
    size_t setup = (size_t(kernel[0x1F1]) + 1) * 512;
    std::vector<uint8_t> head(512);
    REQUIRE(mem->read(b->kernel_addr, head));
    CHECK(std::equal(head.begin(), head.end(), kernel.begin() + setup));

    SECTION("a command line longer than the header's cmdline_size is refused") {
        std::string longline(bp::get32(kernel, bp::kCmdlineSize) + 1, 'x');
        CHECK_FALSE(load_guest(*mem, kernel, {}, longline));
    }
    SECTION("too little memory for the kernel is a clear error") {
        auto small = GuestMemory::create(32ull << 20);
        auto r = load_guest(*small, kernel, {}, "");
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("too small") != std::string::npos);
    }
}

TEST_CASE("load_guest: PVH ELF gets hvm_start_info with memmap and initrd module", "[kvm][boot]") {
    auto kernel = test::bytes(*sys::read_file(test::guest_image("tiny-guest-pvh.elf")));
    auto mem = GuestMemory::create(64ull << 20);
    REQUIRE(mem);
    std::vector<uint8_t> initrd(5000, 0xAB);
    auto b = load_guest(*mem, kernel, initrd, "hello");
    REQUIRE(b);
    CHECK(b->mode == EntryMode::Pvh32);
    CHECK(b->info_addr == layout::kPvhStartInfo);
    std::vector<uint8_t> si(56);
    REQUIRE(mem->read(layout::kPvhStartInfo, si));
    CHECK(bp::get32(si, 0) == 0x336EC578);
    CHECK(bp::get32(si, 4) == 1);
    CHECK(bp::get32(si, 12) == 1);
    CHECK(bp::get64(si, 24) == layout::kCmdline);
    CHECK(bp::get32(si, 48) == build_e820(mem->regions()).size());
    std::vector<uint8_t> mod(32);
    REQUIRE(mem->read(bp::get64(si, 16), mod));
    CHECK(bp::get64(mod, 0) == b->initrd_addr);
    CHECK(bp::get64(mod, 8) == 5000);
}

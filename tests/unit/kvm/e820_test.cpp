#include <catch2/catch.hpp>

#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/boot/e820.h"

using namespace env::kvm;

TEST_CASE("e820: low RAM, reserved BIOS areas, RAM to the hole and above 4 GiB", "[kvm][boot]") {
    auto small = GuestMemory::create(64ull << 20);
    REQUIRE(small);
    auto map = build_e820(small->regions());
    REQUIRE(map.size() == 4);
    CHECK(map[0].addr == 0);
    CHECK(map[0].size == 0x9FC00);
    CHECK(map[0].type == kE820Ram);
    CHECK(map[1].type == kE820Reserved);
    CHECK(map[2].addr == 0xE0000);
    CHECK(map[2].type == kE820Reserved);
    CHECK(map[3].addr == 0x100000);
    CHECK(map[3].addr + map[3].size == (64ull << 20));

    // 4 GiB of RAM: 3 GiB below the hole, 1 GiB from 4 GiB (no host memory is touched).
    std::vector<MemoryRegion> big = {{0, kMmioHoleStart, 0}, {kMmioHoleEnd, 1ull << 30, kMmioHoleStart}};
    auto m = build_e820(big);
    REQUIRE(m.size() == 5);
    CHECK(m[3].addr + m[3].size == kMmioHoleStart);
    CHECK(m[4].addr == kMmioHoleEnd);
    CHECK(m[4].size == 1ull << 30);
    // Entries never overlap and are sorted.
    for (size_t i = 1; i < m.size(); ++i) CHECK(m[i - 1].addr + m[i - 1].size <= m[i].addr);

    std::vector<uint8_t> zp(4096);
    write_e820(zp, m);
    CHECK(zp[bp::kE820Entries] == 5);
    CHECK(bp::get64(zp, bp::kE820Table + 4 * 20) == kMmioHoleEnd);
    CHECK(bp::get32(zp, bp::kE820Table + 4 * 20 + 16) == kE820Ram);
}

TEST_CASE("guest memory: accesses outside RAM or across the hole are refused", "[kvm][memory]") {
    auto mem = GuestMemory::create(16ull << 20);
    REQUIRE(mem);
    uint8_t b[16] = {};
    CHECK(mem->write((16ull << 20) - 16, b));
    CHECK_FALSE(mem->write((16ull << 20) - 8, b));
    CHECK_FALSE(mem->read(~0ull - 4, b));
    CHECK(mem->host(0, 16 << 20) != nullptr);
    CHECK(mem->host(1, 16 << 20) == nullptr);
    CHECK_FALSE(GuestMemory::create(1 << 20));
}

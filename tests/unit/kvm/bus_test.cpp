#include <catch2/catch.hpp>

#include "providers/kvm/hypervisor/bus.h"

using namespace env::kvm;

namespace {
class Recorder : public BusDevice {
public:
    uint64_t last_offset = ~0ull;
    size_t last_size = 0;
    void read(uint64_t offset, std::span<uint8_t> data) override {
        last_offset = offset;
        last_size = data.size();
        for (auto& b : data) b = 0x42;
    }
    void write(uint64_t offset, std::span<const uint8_t> data) override {
        last_offset = offset;
        last_size = data.size();
    }
};
}  // namespace

TEST_CASE("bus: devices see offsets, not absolute addresses", "[kvm][bus]") {
    Bus bus("test");
    auto d = std::make_shared<Recorder>();
    REQUIRE(bus.insert(0x3F8, 8, d));
    uint8_t v = 0;
    CHECK(bus.read(0x3FD, {&v, 1}));
    CHECK(d->last_offset == 5);
    CHECK(v == 0x42);
    uint8_t w[2] = {1, 2};
    CHECK(bus.write(0x3F8, w));
    CHECK(d->last_offset == 0);
    CHECK(d->last_size == 2);
}

TEST_CASE("bus: overlapping ranges are refused, removal frees the range", "[kvm][bus]") {
    Bus bus("test");
    auto d = std::make_shared<Recorder>();
    REQUIRE(bus.insert(0x100, 0x10, d));
    CHECK_FALSE(bus.insert(0x10F, 1, d));
    CHECK_FALSE(bus.insert(0xF8, 0x10, d));
    CHECK_FALSE(bus.insert(0x0, 0, d));
    CHECK(bus.insert(0x110, 0x10, d));
    CHECK(bus.remove(0x100));
    CHECK(bus.insert(0x108, 8, d));
}

TEST_CASE("bus: unknown or straddling accesses read all ones and are counted", "[kvm][bus]") {
    Bus bus("test");
    auto d = std::make_shared<Recorder>();
    REQUIRE(bus.insert(0x60, 1, d));
    uint32_t v = 0;
    CHECK_FALSE(bus.read(0x1234, {reinterpret_cast<uint8_t*>(&v), 4}));
    CHECK(v == 0xFFFFFFFF);
    CHECK_FALSE(bus.read(0x60, {reinterpret_cast<uint8_t*>(&v), 4}));  // 4 bytes at a 1-byte device
    for (int i = 0; i < 10000; ++i)
        bus.write(0x9999, {reinterpret_cast<uint8_t*>(&v), 1});  // rate-limited log
    CHECK(bus.unknown_accesses() == 10002);
}

#include <catch2/catch.hpp>

#include "providers/kvm/devices/rtc.h"

using namespace env::kvm;

namespace {
// 2024-02-29 13:05:09 UTC, a Thursday.
constexpr time_t kNow = 1709211909;
struct Cmos {
    Rtc r{[] { return kNow; }};
    uint8_t get(uint8_t reg) {
        r.write(0, std::span<const uint8_t>(&reg, 1));
        uint8_t v;
        r.read(1, {&v, 1});
        return v;
    }
    void set(uint8_t reg, uint8_t v) {
        r.write(0, std::span<const uint8_t>(&reg, 1));
        r.write(1, std::span<const uint8_t>(&v, 1));
    }
};
}  // namespace

TEST_CASE("RTC: host time in BCD, 24-hour, with century", "[kvm][rtc]") {
    Cmos c;
    CHECK(c.get(0x00) == 0x09);
    CHECK(c.get(0x02) == 0x05);
    CHECK(c.get(0x04) == 0x13);
    CHECK(c.get(0x06) == 0x05);  // Thursday = 5 (Sunday = 1)
    CHECK(c.get(0x07) == 0x29);
    CHECK(c.get(0x08) == 0x02);
    CHECK(c.get(0x09) == 0x24);
    CHECK(c.get(0x32) == 0x20);
    CHECK((c.get(0x0A) & 0x80) == 0);  // no update in progress
    CHECK(c.get(0x0D) == 0x80);        // battery good
}

TEST_CASE("RTC: binary mode and 12-hour mode follow register B", "[kvm][rtc]") {
    Cmos c;
    c.set(0x0B, 0x04);  // binary, 12-hour
    CHECK(c.get(0x00) == 9);
    CHECK(c.get(0x04) == (1 | 0x80));  // 1 PM
    CHECK(c.get(0x09) == 24);
}

TEST_CASE("RTC: NMI mask bit in the index is ignored, and NVRAM keeps bytes", "[kvm][rtc]") {
    Cmos c;
    c.set(0x80 | 0x40, 0xAB);
    CHECK(c.get(0x40) == 0xAB);
    CHECK(c.get(0x80 | 0x09) == 0x24);
}

TEST_CASE("RTC: a guest setting the clock moves only its own view", "[kvm][rtc]") {
    Cmos c;
    c.set(0x09, 0x30);  // year 2030
    CHECK(c.get(0x09) == 0x30);
    Cmos other;
    CHECK(other.get(0x09) == 0x24);
}

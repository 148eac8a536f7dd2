#include <catch2/catch.hpp>
#include <cstring>

#include "providers/kvm/devices/power.h"

using namespace env::kvm;

TEST_CASE("power window: S5 with SLP_EN powers off, and other sleep types do not", "[kvm][acpi]") {
    int off = 0, reset = 0;
    PowerControl p([&] { ++off; }, [&] { ++reset; });
    auto w = [&](uint64_t o, uint8_t v) { p.write(o, {&v, 1}); };
    w(kSleepControl, 5 << 2);  // SLP_EN missing
    CHECK(off == 0);
    w(kSleepControl, (3 << 2) | 0x20);  // S3: not supported, ignored
    CHECK(off == 0);
    w(kSleepControl, (5 << 2) | 0x20);
    CHECK(off == 1);
    w(kResetReg, 0x02);
    CHECK(reset == 0);
    w(kResetReg, kResetValue);
    CHECK(reset == 1);
    uint16_t wide = 0xFFFF;
    p.write(kSleepControl, {reinterpret_cast<uint8_t*>(&wide), 2});  // only byte access counts
    CHECK(off == 1);
}

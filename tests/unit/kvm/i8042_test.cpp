#include <catch2/catch.hpp>

#include "fake_irq.h"
#include "providers/kvm/devices/i8042.h"

using namespace env::kvm;

namespace {
struct Kbc {
    std::shared_ptr<test::FakeIrq> irq = std::make_shared<test::FakeIrq>();
    int resets = 0;
    I8042 k{irq, [this] { ++resets; }};
    uint8_t in(unsigned off) {
        uint8_t v;
        k.read(off, {&v, 1});
        return v;
    }
    void out(unsigned off, uint8_t v) { k.write(off, {&v, 1}); }
};
}  // namespace

TEST_CASE("i8042: command 0xFE pulses reset", "[kvm][i8042]") {
    Kbc c;
    c.out(4, 0xFE);
    CHECK(c.resets == 1);
}

TEST_CASE("i8042: clearing output port bit 0 resets, and pulse commands too", "[kvm][i8042]") {
    Kbc c;
    c.out(4, 0xD1);
    c.out(0, 0x02);
    CHECK(c.resets == 1);
    c.out(4, 0xF0);  // pulse all lines, bit 0 among them
    CHECK(c.resets == 2);
    c.out(4, 0xFF);  // pulse none
    CHECK(c.resets == 2);
}

TEST_CASE("i8042: self test, command byte and keyboard identity", "[kvm][i8042]") {
    Kbc c;
    c.out(4, 0xAA);
    CHECK((c.in(4) & 0x01));
    CHECK(c.in(0) == 0x55);
    CHECK((c.in(4) & 0x01) == 0);
    c.out(4, 0x60);
    c.out(0, 0x45);
    c.out(4, 0x20);
    CHECK(c.in(0) == 0x45);
    c.out(0, 0xF2);  // keyboard: identify
    CHECK(c.in(0) == 0xFA);
    CHECK(c.in(0) == 0xAB);
    CHECK(c.in(0) == 0x83);
    CHECK(c.resets == 0);
}

TEST_CASE("i8042: ctrl-alt-del arrives as set-1 scancodes with IRQ 1", "[kvm][i8042]") {
    Kbc c;
    c.k.send_ctrl_alt_del();
    CHECK(c.irq->raised > 0);
    std::vector<uint8_t> got;
    while (c.in(4) & 0x01) got.push_back(c.in(0));
    CHECK(got == std::vector<uint8_t>{0x1D, 0x38, 0xE0, 0x53, 0xE0, 0xD3, 0xB8, 0x9D});
}

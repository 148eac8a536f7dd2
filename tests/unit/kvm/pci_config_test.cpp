#include <catch2/catch.hpp>

#include "providers/kvm/pci/config_space.h"
#include "providers/kvm/pci/pci_bus.h"

using namespace env::kvm;
using namespace env::kvm::pci;

namespace {
struct Cfg {
    PciBus bus;
    void address(unsigned dev, unsigned reg) {
        uint32_t a = 0x80000000u | (dev << 11) | reg;
        bus.write(0, {reinterpret_cast<const uint8_t*>(&a), 4});
    }
    uint32_t read(unsigned dev, unsigned reg, unsigned size = 4) {
        address(dev, reg & ~3u);
        uint32_t v = 0;
        bus.read(4 + (reg & 3), {reinterpret_cast<uint8_t*>(&v), size});
        return v;
    }
    void write(unsigned dev, unsigned reg, uint32_t v, unsigned size = 4) {
        address(dev, reg & ~3u);
        bus.write(4 + (reg & 3), {reinterpret_cast<const uint8_t*>(&v), size});
    }
};

class TestDevice : public PciDevice {
public:
    ConfigSpace cfg{0x1AF4, 0x1041, 0x020000};
    TestDevice() { cfg.add_bar(0, 0x1000, false); cfg.add_bar(1, 0x40, true); }
    uint32_t config_read(unsigned o, unsigned s) override { return cfg.read(o, s); }
    void config_write(unsigned o, unsigned s, uint32_t v) override { cfg.write(o, s, v); }
};
}  // namespace

TEST_CASE("PCI mechanism #1: host bridge at 00:00.0, empty slots read all ones", "[kvm][pci]") {
    Cfg c;
    CHECK(c.read(0, 0) == 0x0D578086);
    CHECK((c.read(0, 8) >> 8) == 0x060000);
    CHECK(c.read(0, 0x0E, 1) == 0);  // header type 0
    CHECK(c.read(0, 0, 1) == 0x86);
    CHECK(c.read(0, 1, 1) == 0x80);
    CHECK(c.read(0, 2, 2) == 0x0D57);
    CHECK(c.read(5, 0) == 0xFFFFFFFF);
    // CONFIG_ADDRESS reads back without its reserved bits.
    uint32_t a = 0xFFFFFFFF, back = 0;
    c.bus.write(0, {reinterpret_cast<const uint8_t*>(&a), 4});
    c.bus.read(0, {reinterpret_cast<uint8_t*>(&back), 4});
    CHECK(back == 0x80FFFFFC);
}

TEST_CASE("PCI: disabled CONFIG_ADDRESS or another bus/function reads all ones", "[kvm][pci]") {
    Cfg c;
    uint32_t a = 0x00000000, v = 0;
    c.bus.write(0, {reinterpret_cast<const uint8_t*>(&a), 4});
    c.bus.read(4, {reinterpret_cast<uint8_t*>(&v), 4});
    CHECK(v == 0xFFFFFFFF);
    a = 0x80010000;  // bus 1
    c.bus.write(0, {reinterpret_cast<const uint8_t*>(&a), 4});
    c.bus.read(4, {reinterpret_cast<uint8_t*>(&v), 4});
    CHECK(v == 0xFFFFFFFF);
    a = 0x80000100;  // function 1
    c.bus.write(0, {reinterpret_cast<const uint8_t*>(&a), 4});
    c.bus.read(4, {reinterpret_cast<uint8_t*>(&v), 4});
    CHECK(v == 0xFFFFFFFF);
}

TEST_CASE("PCI: read-only IDs, writable command, BAR sizing by all-ones", "[kvm][pci]") {
    Cfg c;
    auto dev = std::make_shared<TestDevice>();
    auto slot = c.bus.add(dev);
    REQUIRE(slot);
    CHECK(*slot == 1);
    CHECK(c.bus.occupied()[1]);
    c.write(1, 0, 0xFFFFFFFF);
    CHECK(c.read(1, 0) == 0x10411AF4);
    c.write(1, 4, 0x0007, 2);
    CHECK(c.read(1, 4, 2) == 0x0007);
    c.write(1, 0x10, 0xFFFFFFFF);
    CHECK(c.read(1, 0x10) == 0xFFFFF000);  // 4 KiB memory BAR
    c.write(1, 0x14, 0xFFFFFFFF);
    CHECK(c.read(1, 0x14) == 0xFFFFFFC1);  // 64-port I/O BAR, bit 0 set
    c.write(1, 0x10, 0xE0001234);
    CHECK(dev->cfg.bar_address(0) == 0xE0001000);
    c.write(1, 0x18, 0xFFFFFFFF);
    CHECK(c.read(1, 0x18) == 0);  // unimplemented BAR
    c.write(1, 0x3C, 11, 1);
    CHECK(c.read(1, 0x3C, 1) == 11);
}

TEST_CASE("PCI: misaligned and odd-sized configuration accesses are ignored", "[kvm][pci]") {
    Cfg c;
    c.address(0, 0);
    uint32_t v = 0;
    c.bus.read(5, {reinterpret_cast<uint8_t*>(&v), 4});  // runs past 0xCFF
    CHECK(v == 0xFFFFFFFF);
    uint8_t three[3] = {};
    c.bus.read(4, three);
    ConfigSpace s(1, 2, 3);
    CHECK(s.read(1, 2) == 0xFFFFFFFF);
    CHECK(s.read(254, 4) == 0xFFFFFFFF);
    s.write(255, 4, 0);  // no crash
    CHECK(legacy_irq(1) >= 16);
}

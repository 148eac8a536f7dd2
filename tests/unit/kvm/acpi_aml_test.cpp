// The AML encoder against byte strings produced by ACPICA's iasl (the compiler every
// firmware's ASL goes through) for the same ASL, quoted in each test.
#include <catch2/catch.hpp>

#include "providers/kvm/acpi/aml.h"

using namespace env::kvm::acpi::aml;

TEST_CASE("AML PkgLength: one byte up to 63, then a nibble plus 1-3 bytes", "[kvm][acpi]") {
    CHECK(pkg_length(0) == Bytes{0x01});
    CHECK(pkg_length(62) == Bytes{63});
    CHECK(pkg_length(63) == Bytes{0x40 | (65 & 0xF), 65 >> 4});  // 63 + 2 bytes = 65
    CHECK(pkg_length(64) == Bytes{0x40 | (66 & 0xF), 66 >> 4});
    // 4096 + 3 = 4099 no longer fits 12 bits.
    CHECK(pkg_length(4096) == Bytes{0x80 | (4099 & 0xF), (4099 >> 4) & 0xFF, 4099 >> 12});
}

TEST_CASE("AML names: padding, root prefix, dual and multi name paths", "[kvm][acpi]") {
    CHECK(name_string("_S5") == Bytes{'_', 'S', '5', '_'});
    CHECK(name_string("_SB_.PCI0") == Bytes{0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'});
    CHECK(name_string("\\_SB_.PCI0") == Bytes{'\\', 0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'});
    CHECK(name_string("\\_SB.PCI0.S1") ==
          Bytes{'\\', 0x2F, 3, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'S', '1', '_', '_'});
    CHECK(name_string("\\") == Bytes{'\\', 0x00});
}

TEST_CASE("AML integers take the shortest encoding", "[kvm][acpi]") {
    CHECK(integer(0) == Bytes{0x00});
    CHECK(integer(1) == Bytes{0x01});
    CHECK(integer(0x11) == Bytes{0x0A, 0x11});
    CHECK(integer(0x1234) == Bytes{0x0B, 0x34, 0x12});
    CHECK(integer(0x0001FFFF) == Bytes{0x0C, 0xFF, 0xFF, 0x01, 0x00});
    CHECK(integer(0x800000000) == Bytes{0x0E, 0, 0, 0, 0, 8, 0, 0, 0});
    CHECK(string("COM1") == Bytes{0x0D, 'C', 'O', 'M', '1', 0});
}

TEST_CASE("AML EISAID as iasl compresses it", "[kvm][acpi]") {
    // Name (_HID, EisaId ("PNP0A03")) and EisaId ("PNP0501").
    CHECK(name("_HID", eisa_id("PNP0A03")) ==
          Bytes{0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0, 0x0A, 0x03});
    CHECK(eisa_id("PNP0501") == Bytes{0x0C, 0x41, 0xD0, 0x05, 0x01});
}

TEST_CASE("AML Name (_S5, Package () {5, 5, 0, 0})", "[kvm][acpi]") {
    CHECK(name("_S5_", package({integer(5), integer(5), integer(0), integer(0)})) ==
          Bytes{0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00});
}

TEST_CASE("AML resource templates as iasl encodes them", "[kvm][acpi]") {
    // Name (_CRS, ResourceTemplate () { WordBusNumber (ResourceProducer, MinFixed,
    // MaxFixed, PosDecode, 0x0000, 0x0000, 0x00FF, 0x0000, 0x0100,,,) })
    CHECK(name("_CRS", resource_template({word_bus_number(0, 0xFF)})) ==
          Bytes{0x08, 0x5F, 0x43, 0x52, 0x53, 0x11, 0x15, 0x0A, 0x12, 0x88, 0x0D, 0x00, 0x02, 0x0C,
                0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x01, 0x79, 0x00});
    // WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, 0x0000,
    // 0x0CF7, 0, 0x0CF8) and the same for 0x0D00-0xFFFF.
    CHECK(name("_CRS", resource_template({word_io(0, 0xCF7), word_io(0xD00, 0xFFFF)})) ==
          Bytes{0x08, 0x5F, 0x43, 0x52, 0x53, 0x11, 0x25, 0x0A, 0x22, 0x88, 0x0D,
                0x00, 0x01, 0x0C, 0x03, 0x00, 0x00, 0x00, 0x00, 0xF7, 0x0C, 0x00,
                0x00, 0xF8, 0x0C, 0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0x00, 0x00,
                0x00, 0x0D, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xF3, 0x79, 0x00});
    // DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
    // 0, 0xC0000000, 0xFEBFFFFF, 0, 0x3EC00000): the second half of iasl's two-range
    // template, whose first (cacheable) descriptor we do not emit.
    Bytes mem = dword_memory(0xC0000000, 0xFEBFFFFF);
    CHECK(mem == Bytes{0x87, 0x17, 0x00, 0x00, 0x0C, 0x01, 0x00, 0x00, 0x00,
                       0x00, 0x00, 0x00, 0x00, 0xC0, 0xFF, 0xFF, 0xBF, 0xFE,
                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x3E});
    // Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, ) { 0x00000004 }
    CHECK(edge_interrupt(4) == Bytes{0x89, 0x06, 0x00, 0x03, 0x01, 0x04, 0x00, 0x00, 0x00});
    // IO (Decode16, 0x03F8, 0x03F8, 0x00, 0x08)
    CHECK(io(0x3F8, 0x3F8, 0, 8) == Bytes{0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x00, 0x08});
}

TEST_CASE("AML Device with a long body gets a two-byte PkgLength", "[kvm][acpi]") {
    Bytes big(100, 0x01);  // 100 OneOps stand for a body
    Bytes d = device("PCI0", {big});
    // ExtOpPrefix DeviceOp, PkgLength over NameSeg (4) + body (100) = 104 + 2 = 106.
    REQUIRE(d.size() == 2 + 2 + 4 + 100);
    CHECK(d[0] == 0x5B);
    CHECK(d[1] == 0x82);
    CHECK(d[2] == (0x40 | (106 & 0xF)));
    CHECK(d[3] == (106 >> 4));
    CHECK(Bytes(d.begin() + 4, d.begin() + 8) == Bytes{'P', 'C', 'I', '0'});
}

#include <catch2/catch.hpp>
#include <string>

#include "fake_irq.h"
#include "providers/kvm/devices/serial.h"

using namespace env::kvm;

namespace {
struct Uart {
    std::shared_ptr<test::FakeIrq> irq = std::make_shared<test::FakeIrq>();
    std::string out;
    Serial s{irq, [this](std::span<const uint8_t> b) { out.append(b.begin(), b.end()); }};
    uint8_t in(unsigned reg) {
        uint8_t v;
        s.read(reg, {&v, 1});
        return v;
    }
    void outb(unsigned reg, uint8_t v) { s.write(reg, {&v, 1}); }
};
}  // namespace

TEST_CASE("8250: THR writes reach the sink, and LSR says the transmitter is empty", "[kvm][serial]") {
    Uart u;
    for (char c : std::string("hi\n")) u.outb(0, uint8_t(c));
    CHECK(u.out == "hi\n");
    CHECK((u.in(5) & 0x60) == 0x60);  // THRE | TEMT
    CHECK((u.in(5) & 0x01) == 0);     // no data ready
}

TEST_CASE("8250: DLAB switches offsets 0 and 1 to the divisor latch", "[kvm][serial]") {
    Uart u;
    u.outb(3, 0x80);  // DLAB
    u.outb(0, 0x01);
    u.outb(1, 0x02);
    CHECK(u.out.empty());  // a divisor write is not data
    CHECK(u.in(0) == 0x01);
    CHECK(u.in(1) == 0x02);
    u.outb(3, 0x03);
    CHECK(u.in(1) == 0x00);  // IER again, untouched by the DLM write
    u.outb(0, 'x');
    CHECK(u.out == "x");
    u.outb(3, 0x83);
    CHECK(u.in(0) == 0x01);  // divisor kept
}

TEST_CASE("8250: received bytes set DR and raise RDA through OUT2", "[kvm][serial]") {
    Uart u;
    u.outb(1, 0x01);  // ERBFI
    CHECK(u.s.receive("ab") == 2);
    CHECK((u.in(5) & 0x01) == 1);
    CHECK_FALSE(u.irq->level);  // OUT2 clear: the interrupt is gated off (PC wiring)
    u.outb(4, 0x08);            // OUT2
    CHECK(u.irq->level);
    CHECK((u.in(2) & 0x0F) == 0x04);  // IIR: received data available
    CHECK(u.in(0) == 'a');
    CHECK(u.irq->level);
    CHECK(u.in(0) == 'b');
    CHECK_FALSE(u.irq->level);
    CHECK((u.in(2) & 0x01) == 1);  // no interrupt pending
    CHECK((u.in(5) & 0x01) == 0);
}

TEST_CASE("8250: THRE interrupt on enabling ETBEI, cleared by reading IIR, re-armed by THR", "[kvm][serial]") {
    Uart u;
    u.outb(4, 0x08);
    u.outb(1, 0x02);  // ETBEI with THR empty: THRE at once
    CHECK(u.irq->level);
    CHECK((u.in(2) & 0x0F) == 0x02);
    CHECK_FALSE(u.irq->level);  // the IIR read cleared it
    CHECK((u.in(2) & 0x0F) == 0x01);
    u.outb(0, 'z');  // transmitted at once: THR empty again
    CHECK(u.irq->level);
    u.outb(1, 0x00);
    CHECK_FALSE(u.irq->level);
}

TEST_CASE("8250: RDA has priority over THRE in IIR, and FIFO bits follow FCR", "[kvm][serial]") {
    Uart u;
    u.outb(2, 0x01);  // FIFO enable
    u.outb(1, 0x03);
    u.s.receive("q");
    CHECK(u.in(2) == (0xC0 | 0x04));
    (void)u.in(0);
    CHECK(u.in(2) == (0xC0 | 0x02));
    u.s.receive("xyz");
    u.outb(2, 0x03);  // clear the receive FIFO
    CHECK((u.in(5) & 0x01) == 0);
}

TEST_CASE("8250: loopback sends THR to RBR and mirrors modem lines", "[kvm][serial]") {
    Uart u;
    u.outb(4, 0x10 | 0x0F);  // loop + OUT2 + OUT1 + RTS + DTR
    CHECK((u.in(6) & 0xF0) == 0xF0);
    u.outb(4, 0x10);
    CHECK((u.in(6) & 0xF0) == 0x00);
    u.outb(0, 0x5A);
    CHECK(u.out.empty());
    CHECK((u.in(5) & 0x01) == 1);
    CHECK(u.in(0) == 0x5A);
    u.outb(4, 0x00);
    CHECK((u.in(6) & 0xB0) == 0xB0);  // DCD, DSR, CTS: a cable is always there
}

TEST_CASE("8250: the receive FIFO is bounded and odd accesses are harmless", "[kvm][serial]") {
    Uart u;
    std::string big(Serial::kRxCapacity + 100, 'x');
    CHECK(u.s.receive(big) == Serial::kRxCapacity);
    CHECK(u.s.rx_space() == 0);
    uint8_t wide[4] = {1, 2, 3, 4};
    u.s.write(6, wide);  // straddles the end of the register file
    u.s.read(7, wide);
    CHECK(u.in(7) == 2);  // byte lanes: offset 6 (MSR, read-only) got 1, the scratch register 2
}

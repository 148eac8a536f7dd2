#include <catch2/catch.hpp>

#include "providers/kvm/hypervisor/run_loop.h"

using namespace env::kvm;

namespace {
class Port : public BusDevice {
public:
    std::vector<uint8_t> written;
    uint8_t next = 0;
    void read(uint64_t, std::span<uint8_t> data) override {
        for (auto& b : data) b = next++;
    }
    void write(uint64_t, std::span<const uint8_t> data) override {
        written.insert(written.end(), data.begin(), data.end());
    }
};
}  // namespace

TEST_CASE("run loop: port and MMIO exits reach their bus, string I/O repeats", "[kvm][runloop]") {
    Bus pio("pio"), mmio("mmio");
    auto port = std::make_shared<Port>();
    auto reg = std::make_shared<Port>();
    REQUIRE(pio.insert(0x3F8, 1, port));
    REQUIRE(mmio.insert(0xD0000000, 0x1000, reg));
    uint8_t buf[4] = {'a', 'b', 'c', 'd'};
    VcpuExit out{VcpuExit::Kind::IoOut, 0x3F8, 1, 4, buf};
    CHECK_FALSE(handle_exit(out, pio, mmio));
    CHECK(port->written == std::vector<uint8_t>{'a', 'b', 'c', 'd'});
    VcpuExit in{VcpuExit::Kind::IoIn, 0x3F8, 1, 3, {buf, 3}};
    CHECK_FALSE(handle_exit(in, pio, mmio));
    CHECK(buf[0] == 0);
    CHECK(buf[2] == 2);
    uint8_t m[8] = {};
    CHECK_FALSE(handle_exit({VcpuExit::Kind::MmioRead, 0xD0000010, 8, 1, m}, pio, mmio));
    CHECK(m[7] == 7);
    // Unknown port: all ones, and the guest keeps running.
    CHECK_FALSE(handle_exit({VcpuExit::Kind::IoIn, 0x1234, 2, 1, {buf, 2}}, pio, mmio));
    CHECK(buf[0] == 0xFF);
    // A malformed exit (data shorter than size*count) is ignored, not trusted.
    CHECK_FALSE(handle_exit({VcpuExit::Kind::IoOut, 0x3F8, 4, 100, {buf, 4}}, pio, mmio));
}

TEST_CASE("run loop: machine-ending exits map to stop reasons and statuses", "[kvm][runloop]") {
    Bus pio("pio"), mmio("mmio");
    CHECK(handle_exit({VcpuExit::Kind::Shutdown}, pio, mmio) == StopReason::TripleFault);
    CHECK(handle_exit({VcpuExit::Kind::SystemReset}, pio, mmio) == StopReason::Reset);
    CHECK(handle_exit({VcpuExit::Kind::SystemOff}, pio, mmio) == StopReason::PowerOff);
    CHECK(handle_exit({VcpuExit::Kind::InternalError}, pio, mmio) == StopReason::Error);
    CHECK(handle_exit({VcpuExit::Kind::FailEntry}, pio, mmio) == StopReason::Error);
    CHECK_FALSE(handle_exit({VcpuExit::Kind::Interrupted}, pio, mmio));
    CHECK_FALSE(handle_exit({VcpuExit::Kind::Hlt}, pio, mmio));
    CHECK(exit_status(StopReason::PowerOff) == 0);
    CHECK(exit_status(StopReason::Reset) == 10);
    CHECK(exit_status(StopReason::TripleFault) == 11);
    CHECK(exit_status(StopReason::Killed) == 12);
    CHECK(exit_status(StopReason::Signal) == 13);
    CHECK(exit_status(StopReason::Error) == 3);
}

// virtio-net's queues through a loopback backend: what the guest transmits comes back on
// its receive queue, with the virtio-net header, held while it has no buffers.
#include <catch2/catch.hpp>

#include "net_fixture.h"
#include "providers/kvm/virtio/net/loopback_backend.h"

using namespace env::kvm::virtio;
using namespace env::kvm::virtio::testing;

namespace {
std::vector<uint8_t> frame(size_t n, uint8_t fill) {
    std::vector<uint8_t> f(n, fill);
    f[12] = 0x08, f[13] = 0x00;  // IPv4 ethertype; the content does not matter here
    return f;
}
struct Loop : NetFixture {
    LoopbackBackend* backend;
    Loop() : Loop(new LoopbackBackend) {}
    explicit Loop(LoopbackBackend* b) : NetFixture(std::unique_ptr<NetBackend>(b)), backend(b) {}
};
}  // namespace

TEST_CASE("a transmitted frame is received back with a virtio-net header") {
    Loop n;
    n.post_rx(2);
    auto f = frame(98, 0x42);
    n.send(f);
    auto t = n.tx.take_used();
    REQUIRE(t);
    CHECK(t->len == 0);
    auto r = n.rx.take_used();
    REQUIRE(r);
    CHECK(r->len == kNetHdrSize + 98);
    CHECK(n.received(*r) == f);
    unsigned char* hdr = n.mem.host(n.rx_buf(r->id), kNetHdrSize);
    CHECK(hdr[0] == 0);   // flags: no checksum offload
    CHECK(hdr[10] == 1);  // num_buffers
    CHECK(n.dev->counters().tx_frames == 1);
    CHECK(n.dev->counters().rx_frames == 1);
    CHECK(std::count(n.irq.used.begin(), n.irq.used.end(), 0) == 1);
}

TEST_CASE("frames wait while the guest has no receive buffer and flow once it posts one") {
    Loop n;
    n.send(frame(60, 1));
    n.send(frame(60, 2));
    CHECK(n.backend->held() == 2);
    CHECK_FALSE(n.rx.take_used());
    n.post_rx(1);  // the driver's kick on the rx queue resumes the backend
    auto a = n.rx.take_used();
    REQUIRE(a);
    CHECK(n.received(*a)[0] == 1);
    CHECK(n.backend->held() == 1);
    n.post_rx(4);
    auto b = n.rx.take_used();
    REQUIRE(b);
    CHECK(n.received(*b)[0] == 2);
    CHECK(n.backend->held() == 0);
}

TEST_CASE("runt and oversized frames are dropped, and their chains returned") {
    Loop n;
    n.post_rx(2);
    n.send(frame(14, 0) /* just an Ethernet header: fine */);
    std::vector<uint8_t> runt(10, 0);
    n.send(runt);
    n.send(frame(kNetMaxFrame + 1, 0));
    CHECK(n.dev->counters().tx_frames == 1);
    CHECK(n.dev->counters().tx_dropped == 2);
    int used = 0;
    while (n.tx.take_used()) ++used;
    CHECK(used == 3);
    CHECK_FALSE(n.dev->broken());
}

TEST_CASE("a receive buffer too small for the frame is returned empty") {
    Loop n;
    n.post_rx(1, 64);
    n.send(frame(100, 7));
    auto r = n.rx.take_used();
    REQUIRE(r);
    CHECK(r->len == 0);
    CHECK(n.dev->counters().rx_dropped == 1);
}

TEST_CASE("virtio-net config space: MAC, link up, MTU") {
    Loop n;
    uint8_t cfg[12];
    n.dev->read_config(0, cfg);
    CHECK(cfg[0] == 0x52);
    CHECK(cfg[5] == 3);
    CHECK(cfg[6] == 1);  // VIRTIO_NET_S_LINK_UP
    CHECK((cfg[10] | cfg[11] << 8) == 1500);
    CHECK((n.dev->features() & kNetFMac));
}

TEST_CASE("a malformed transmit chain puts virtio-net into NEEDS_RESET") {
    Loop n;
    n.tx.set_desc(0, 0x300000, 12, env::kvm::virtio::kDescNext, 0);  // points at itself
    n.tx.publish(0);
    n.dev->queue_notify(1);
    CHECK(n.irq.resets == 1);
    CHECK(n.dev->broken());
    n.dev->queue_notify(1);
    CHECK(n.irq.resets == 1);
}

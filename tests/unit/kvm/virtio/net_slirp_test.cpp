// virtio-net over the real libslirp stack: the stack answers on its own thread and the
// frame reaches the receive queue through the event loop (slirp_backend.h).
#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include "net/slirp_stack.h"
#include "net_fixture.h"
#include "providers/kvm/virtio/net/slirp_backend.h"

using namespace env;
using namespace env::kvm::virtio;
using namespace env::kvm::virtio::testing;

namespace {
// "Who has 10.0.2.2? Tell 10.0.2.15", from the guest's MAC.
std::vector<uint8_t> arp_request() {
    std::vector<uint8_t> f = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0, 1,  2,
        3,    0x08, 0x06, 0,    1,    0x08, 0,    6,    4, 0,  1,  // Ethernet/IPv4, request
        0x52, 0x54, 0,    1,    2,    3,    10,   0,    2, 15,     // sender
        0,    0,    0,    0,    0,    0,    10,   0,    2, 2};     // target
    f.resize(60, 0);
    return f;
}
}  // namespace

TEST_CASE("virtio-net over libslirp: the gateway answers ARP through the receive queue") {
    auto stack = net::SlirpStack::create().value();
    REQUIRE(stack->start());
    {
        NetFixture n(std::make_unique<SlirpBackend>(*stack));
        n.post_rx(4);
        n.send(arp_request());
        REQUIRE(n.loop.run_until([&] { return n.rx.used_idx() > 0; }));
        auto r = n.rx.take_used();
        REQUIRE(r);
        auto f = n.received(*r);
        REQUIRE(f.size() >= 42);
        CHECK((f[12] == 0x08 && f[13] == 0x06));  // ARP
        CHECK(f[21] == 2);                        // a reply
        CHECK(std::vector<uint8_t>(f.begin() + 28, f.begin() + 32) ==
              std::vector<uint8_t>{10, 0, 2, 2});
        CHECK(std::vector<uint8_t>(f.begin(), f.begin() + 6) ==
              std::vector<uint8_t>{0x52, 0x54, 0, 1, 2, 3});
        n.dev->reset();  // detaches from the stack before the stack goes
    }
    stack->stop();
}

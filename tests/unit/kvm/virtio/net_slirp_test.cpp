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

namespace {
// A DHCPDISCOVER from the guest's MAC: Ethernet, IPv4 (0.0.0.0 -> 255.255.255.255), UDP
// 68 -> 67 (checksum 0: none), BOOTP with the DHCP magic cookie and option 53 = 1.
std::vector<uint8_t> dhcp_discover() {
    std::vector<uint8_t> bootp(240, 0);
    bootp[0] = 1, bootp[1] = 1, bootp[2] = 6;  // request, Ethernet, 6-byte addresses
    bootp[4] = 0x12, bootp[5] = 0x34;          // xid
    const uint8_t mac[6] = {0x52, 0x54, 0, 1, 2, 3};
    std::copy(mac, mac + 6, bootp.begin() + 28);
    for (uint8_t b : {99, 130, 83, 99, 53, 1, 1, 255}) bootp.push_back(b);
    bootp.resize(300, 0);
    size_t udp_len = 8 + bootp.size(), ip_len = 20 + udp_len;
    std::vector<uint8_t> f = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52,
                              0x54, 0,    1,    2,    3,    0x08, 0x00};
    std::vector<uint8_t> ip = {0x45,
                               0,
                               uint8_t(ip_len >> 8),
                               uint8_t(ip_len),
                               0,
                               0,
                               0,
                               0,
                               64,
                               17,
                               0,
                               0,
                               0,
                               0,
                               0,
                               0,
                               255,
                               255,
                               255,
                               255};
    uint32_t sum = 0;
    for (size_t i = 0; i < ip.size(); i += 2) sum += ip[i] << 8 | ip[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = uint8_t(~sum >> 8), ip[11] = uint8_t(~sum);
    f.insert(f.end(), ip.begin(), ip.end());
    for (int b : {0, 68, 0, 67, int(udp_len >> 8), int(udp_len & 0xff), 0, 0})
        f.push_back(uint8_t(b));
    f.insert(f.end(), bootp.begin(), bootp.end());
    return f;
}
}  // namespace

TEST_CASE("virtio-net over libslirp: DHCP offers the guest 10.0.2.15") {
    auto stack = net::SlirpStack::create().value();
    REQUIRE(stack->start());
    {
        NetFixture n(std::make_unique<SlirpBackend>(*stack));
        n.post_rx(8);
        n.send(dhcp_discover());
        std::vector<uint8_t> offer;
        REQUIRE(n.loop.run_until([&] {
            while (auto u = n.rx.take_used()) {
                auto f = n.received(*u);
                // IPv4, UDP, from port 67: the server's reply.
                if (f.size() > 14 + 20 + 8 + 240 && f[12] == 0x08 && f[13] == 0 && f[23] == 17 &&
                    f[35] == 67)
                    offer = f;
            }
            return !offer.empty();
        }));
        const uint8_t* bootp = offer.data() + 14 + 20 + 8;
        CHECK(bootp[0] == 2);  // a reply
        CHECK(std::vector<uint8_t>(bootp + 16, bootp + 20) ==
              std::vector<uint8_t>{10, 0, 2, 15});  // yiaddr
        n.dev->reset();
    }
    stack->stop();
}

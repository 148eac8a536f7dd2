// virtio-net over a real tap device, inside a network namespace of its own: frames the
// guest sends come out of the tap's host side, frames sent to the tap reach the guest's
// receive queue (read on the event loop).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>

#include "net/netlink.h"
#include "net_fixture.h"
#include "providers/kvm/virtio/net/tap_backend.h"
#include "tests/integration/host_net/netns.h"

using namespace env;
using namespace env::kvm::virtio;
using namespace env::kvm::virtio::testing;

namespace {
constexpr uint16_t kEthertype = 0x88b5;  // IEEE "local experimental": nothing else sends it

std::vector<uint8_t> frame(const MacAddress& dst, const std::string& payload) {
    std::vector<uint8_t> f(dst.begin(), dst.end());
    for (uint8_t b : {0x02, 0, 0, 0, 0, 0x99}) f.push_back(b);
    f.push_back(kEthertype >> 8), f.push_back(kEthertype & 0xff);
    f.insert(f.end(), payload.begin(), payload.end());
    f.resize(std::max<size_t>(f.size(), 60), 0);
    return f;
}
bool ours(const uint8_t* f, size_t n, const std::string& payload) {
    return n >= 14 + payload.size() && f[12] == (kEthertype >> 8) && f[13] == (kEthertype & 0xff) &&
           std::string(reinterpret_cast<const char*>(f + 14), payload.size()) == payload;
}
}  // namespace

TEST_CASE("virtio-net over a tap carries frames both ways", "[root][netns]") {
    bool ok = test::in_new_netns([]() -> std::string {
        auto backend = TapBackend::open("envvtap0");
        if (!backend) return backend.error().what();
        auto nl = net::Netlink::open();
        if (!nl) return nl.error().what();
        EXPECT_OK(nl->set_up("envvtap0"));
        int ifindex = nl->index_of("envvtap0").value_or(0);
        UniqueFd ps(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)));
        sockaddr_ll sll{};
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ALL);
        sll.sll_ifindex = ifindex;
        if (!ps || ::bind(ps.get(), reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0)
            return "packet socket";
        timeval tv{5, 0};
        ::setsockopt(ps.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

        NetFixture n(std::move(*backend));
        // Guest -> host.
        n.send(frame({0x02, 0, 0, 0, 0, 0x99}, "to-host"));
        bool seen = false;
        uint8_t buf[2048];
        for (int i = 0; i < 50 && !seen; ++i) {
            ssize_t got = ::recv(ps.get(), buf, sizeof buf, 0);
            if (got < 0) return "the guest's frame never left the tap";
            seen = ours(buf, static_cast<size_t>(got), "to-host");
        }
        if (!seen) return "the guest's frame was not among the tap's";
        // Host -> guest: no buffers first (the frame waits), then buffers.
        auto in = frame({0x52, 0x54, 0, 1, 2, 3}, "to-guest");
        if (::sendto(ps.get(), in.data(), in.size(), 0, reinterpret_cast<sockaddr*>(&sll),
                     sizeof sll) < 0)
            return "send into the tap";
        n.loop.run_until([] { return false; }, std::chrono::milliseconds(200));
        n.post_rx(16);
        seen = false;
        n.loop.run_until([&] {
            while (auto u = n.rx.take_used()) {
                auto f = n.received(*u);
                seen = seen || ours(f.data(), f.size(), "to-guest");
            }
            return seen;
        });
        if (!seen) return "the host's frame never reached the receive queue";
        n.dev->reset();
        return "";
    });
    CHECK(ok);
}

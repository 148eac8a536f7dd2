// DHCP lease renewal for real (RFC 2131 section 4.4.5): our server on one end of a veth pair
// in a network namespace, the renewer on the other end in a second one, leases of a few
// seconds and a retransmission minimum of half a second. A sniffer on the server's end sees
// every message the client sends, and whether it was unicast or broadcast.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "net/dhcp_client.h"
#include "net/dhcp_renewer.h"
#include "net/dhcp_server.h"
#include "net/netlink.h"
#include "test_netns.h"
#include "util/inet.h"
#include "util/sys.h"

using namespace env;
using namespace env::net;
using namespace std::chrono_literals;
using env::inet::parse_ipv4;

namespace {

const std::string kMac = "02:00:00:00:90:07";

struct Seen {
    Clock::time_point at;
    dhcp::Message m;
    bool broadcast = false;
};

// Every DHCP message the client sends that reaches the server's end of the veth.
class Sniffer {
public:
    explicit Sniffer(dhcp::PacketSocket s) : sock_(std::move(s)), thread_([this] { run(); }) {}
    ~Sniffer() {
        stop_ = true;
        thread_.join();
    }
    std::vector<Seen> seen() {
        std::lock_guard l(mu_);
        return seen_;
    }

private:
    void run() {
        uint8_t buf[2048];
        while (!stop_) {
            pollfd p{sock_.fd.get(), POLLIN, 0};
            if (::poll(&p, 1, 50) != 1) continue;
            sockaddr_ll from{};
            socklen_t len = sizeof from;
            ssize_t n = ::recvfrom(sock_.fd.get(), buf, sizeof buf, 0,
                                   reinterpret_cast<sockaddr*>(&from), &len);
            if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING) continue;
            auto payload = dhcp::unwrap_udp(buf, static_cast<size_t>(n), dhcp::kServerPort);
            if (!payload) continue;
            if (auto m = dhcp::decode(payload->data(), payload->size())) {
                std::lock_guard l(mu_);
                seen_.push_back({Clock::now(), *m, from.sll_pkttype == PACKET_BROADCAST});
            }
        }
    }
    dhcp::PacketSocket sock_;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::vector<Seen> seen_;
    std::thread thread_;
};

// Server namespace: srv0 at 192.168.90.1/24 (a renewal is unicast: the client's kernel
// must find the server by ARP). Client namespace: cli0, the machine's NIC.
struct Lab {
    test::TestNetns server_ns, client_ns;
    std::unique_ptr<Sniffer> sniffer;
    std::mutex mu;
    std::vector<std::optional<DhcpLease>> changes;  // what the renewer reported

    bool make() {
        return server_ns.ok() && client_ns.ok() &&
               server_ns.exec(
                   "ip link add srv0 type veth peer name cli0 && ip link set cli0 netns " +
                   client_ns.name() +
                   " && ip addr add 192.168.90.1/24 dev srv0 && ip link set srv0 up") == 0 &&
               client_ns.exec("ip link set cli0 address " + kMac + " && ip link set cli0 up") == 0;
    }
    std::unique_ptr<DhcpServer> serve(const char* address, uint32_t lease_secs) {
        DhcpOffer o;
        o.link = "srv0";
        o.client = *dhcp::parse_mac(kMac);
        o.address = *parse_ipv4(address);
        o.server_id = *parse_ipv4("192.168.90.1");
        o.lease_secs = lease_secs;
        auto s = server_ns.inside([&] { return DhcpServer::start(o); });
        return s ? std::move(*s) : nullptr;
    }
    bool sniff() {
        auto s = server_ns.inside([] { return dhcp::PacketSocket::open("srv0"); });
        if (s) sniffer = std::make_unique<Sniffer>(std::move(*s));
        return sniffer != nullptr;
    }
    // The first lease, as the supervisor takes it before the init runs.
    Result<DhcpLease> acquire() {
        return client_ns.inside([]() -> Result<DhcpLease> {
            auto l = TRY(dhcp_acquire("cli0", kMac, 5000));
            auto nl = TRY(Netlink::open());
            TRY(nl.add_address("cli0", inet::format_ipv4(l.address) + "/24"));
            return l;
        });
    }
    Result<std::unique_ptr<DhcpRenewer>> renew(const DhcpLease& l) {
        RenewerConfig cfg;
        cfg.ifname = "cli0";
        cfg.mac = kMac;
        cfg.min_retransmit = 500ms;
        cfg.acquire_timeout_ms = 2000;
        auto ns = TRY(sys::open("/run/netns/" + client_ns.name(), O_RDONLY));
        return DhcpRenewer::start(cfg, l, std::move(ns), [this](const auto& lease) {
            std::lock_guard g(mu);
            changes.push_back(lease);
        });
    }
    // Our server leasing .100 for 4 s (T1 2 s, T2 3.5 s), the sniffer on its link, and
    // the client's first lease with its renewer running: where every test starts.
    struct Renewing {
        std::unique_ptr<DhcpServer> server;
        DhcpLease lease;
        std::unique_ptr<DhcpRenewer> renewer;
    };
    Renewing start_renewing() {
        Renewing r;
        r.server = serve("192.168.90.100", 4);
        REQUIRE(r.server);
        REQUIRE(sniff());
        auto lease = acquire();
        REQUIRE(lease);
        r.lease = *lease;
        auto renewer = renew(r.lease);
        REQUIRE(renewer);
        r.renewer = std::move(*renewer);
        return r;
    }
    std::string addresses() {
        std::string out;
        client_ns.exec("ip -4 -o addr show dev cli0", &out);
        return out;
    }
    bool has(const char* address) { return addresses().find(address) != std::string::npos; }
};

bool wait_for(const std::function<bool()>& pred, Millis timeout) {
    auto until = Clock::now() + timeout;
    while (!pred()) {
        if (Clock::now() > until) return false;
        std::this_thread::sleep_for(50ms);
    }
    return true;
}

Millis since(Clock::time_point t0, Clock::time_point t) {
    return std::chrono::duration_cast<Millis>(t - t0);
}

// Destroying the renewer must not wait for its next timer: it is woken at once.
Millis stop_time(std::unique_ptr<DhcpRenewer>& r) {
    auto t = Clock::now();
    r.reset();
    return since(t, Clock::now());
}

#define LAB_OR_SKIP(lab)                                           \
    if (auto why = test::TestNetns::unavailable(); !why.empty()) { \
        ENV_SKIP(why);                                             \
    }                                                              \
    Lab lab;                                                       \
    REQUIRE(lab.make())

}  // namespace

TEST_CASE("a DHCP lease is renewed by unicast before it expires and the address stays",
          "[root][netns][net][dhcp]") {
    LAB_OR_SKIP(lab);
    auto [server, lease, renewer] = lab.start_renewing();
    REQUIRE(lease.lease_secs == 4);
    const auto t0 = lease.requested_at;
    std::this_thread::sleep_until(t0 + 6500ms);  // past the first lease's expiry, at 4 s
    CHECK(lab.has("192.168.90.100/24"));
    std::vector<Seen> renewals;
    for (auto& s : lab.sniffer->seen())
        if (s.m.type == dhcp::Request && s.m.ciaddr) renewals.push_back(s);
    INFO(renewals.size() << " renewals");
    // At 2, 4 and 6 s: each ACK restarts the clock (without that the client would rebind at
    // 3.5 s and give up at 4). A fourth only if an ACK came too late and was asked again.
    REQUIRE(renewals.size() >= 3);
    CHECK(renewals.size() <= 4);
    CHECK(since(t0, renewals[0].at) >= 1900ms);
    CHECK(since(t0, renewals[0].at) < 3000ms);
    for (auto& r : renewals) {
        CHECK_FALSE(r.broadcast);  // to the server, by unicast
        CHECK(r.m.ciaddr == *parse_ipv4("192.168.90.100"));
        CHECK(r.m.server_id == 0);
        CHECK(r.m.requested_ip == 0);
        CHECK(r.m.flags == 0);
    }
    auto stopped = stop_time(renewer);
    CHECK(lab.changes.empty());  // same address throughout
    CHECK(stopped < 200ms);
    CHECK(lab.has("192.168.90.100/24"));  // stopping keeps the address
}

TEST_CASE("a DHCP client whose server went silent rebinds at T2 and gives the address up at expiry",
          "[root][netns][net][dhcp]") {
    LAB_OR_SKIP(lab);
    auto [server, lease, renewer] = lab.start_renewing();
    server.reset();  // from now on nobody answers
    const auto t0 = lease.requested_at;
    REQUIRE(wait_for([&] { return !lab.has("192.168.90.100"); }, 6s));
    auto gone = since(t0, Clock::now());
    CHECK(gone >= 3900ms);  // not before the expiry
    CHECK(gone < 4600ms);
    // DISCOVERs follow, with nobody to answer them.
    CHECK(wait_for(
        [&] {
            for (auto& s : lab.sniffer->seen())
                if (s.m.type == dhcp::Discover && since(t0, s.at) > 3900ms) return true;
            return false;
        },
        2s));
    int unicast = 0, broadcast = 0;
    for (auto& s : lab.sniffer->seen()) {
        if (s.m.type != dhcp::Request || !s.m.ciaddr) continue;
        auto at = since(t0, s.at);
        INFO("renewal at " << at.count() << " ms, broadcast " << s.broadcast);
        CHECK(at >= 1900ms);
        CHECK(at < 4100ms);
        if (s.broadcast) {
            CHECK(at >= 3400ms);  // REBINDING starts at T2, 3.5 s
            ++broadcast;
        } else {
            CHECK(at < 3600ms);  // RENEWING ends there
            ++unicast;
        }
    }
    // Renewing 2..3.5 s: at 2, 2.75, 3.25 s (half the time left, at least 0.5 s, not past
    // T2); rebinding 3.5..4 s: once more, at 3.5 s.
    CHECK(unicast >= 2);
    CHECK(unicast <= 4);
    CHECK(broadcast >= 1);
    CHECK(broadcast <= 2);
    {
        std::lock_guard g(lab.mu);
        REQUIRE(lab.changes.size() == 1);
        CHECK_FALSE(lab.changes[0]);
    }
    auto stopped = stop_time(renewer);  // in the middle of a DISCOVER round
    CHECK(stopped < 300ms);
}

TEST_CASE("a DHCP NAK takes the address away and the client starts over with a DISCOVER",
          "[root][netns][net][dhcp]") {
    LAB_OR_SKIP(lab);
    auto [server, lease, renewer] = lab.start_renewing();
    server.reset();
    server = lab.serve("192.168.90.101", 60);  // the client's address is not its to give
    REQUIRE(server);
    const auto t0 = lease.requested_at;
    REQUIRE(wait_for([&] { return lab.has("192.168.90.101/24"); }, 5s));
    CHECK_FALSE(lab.has("192.168.90.100"));
    Clock::time_point nakked{}, discover{};
    for (auto& s : lab.sniffer->seen()) {
        if (s.m.type == dhcp::Request && s.m.ciaddr && nakked == Clock::time_point{}) nakked = s.at;
        if (s.m.type == dhcp::Discover && since(t0, s.at) > 1s && discover == Clock::time_point{})
            discover = s.at;
    }
    REQUIRE(nakked != Clock::time_point{});
    REQUIRE(discover != Clock::time_point{});
    CHECK(since(t0, nakked) >= 1900ms);  // at T1
    CHECK(discover > nakked);
    {
        std::lock_guard g(lab.mu);
        REQUIRE(lab.changes.size() == 2);
        CHECK_FALSE(lab.changes[0]);  // removed first,
        REQUIRE(lab.changes[1]);      // then the new one
        CHECK(lab.changes[1]->address == *parse_ipv4("192.168.90.101"));
        CHECK(lab.changes[1]->lease_secs == 60);
    }
    CHECK(stop_time(renewer) < 200ms);
}

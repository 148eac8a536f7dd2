#include "net/dhcp_client.h"

#include <chrono>
#include <random>

#include "net/dhcp_packet.h"
#include "util/sys.h"

namespace env::net {
namespace {

constexpr dhcp::Mac kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

Result<> broadcast(const dhcp::PacketSocket& s, const dhcp::Message& m) {
    return s.send(kBroadcast, dhcp::wrap_udp(0, 0xffffffff, dhcp::kClientPort, dhcp::kServerPort,
                                             dhcp::encode(m)));
}

// The next reply of `type` (or a NAK) to xid, within ms.
Result<std::optional<dhcp::Message>> reply_to(const dhcp::PacketSocket& s, uint32_t xid,
                                              uint8_t type, int ms, int wake_fd) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) return std::nullopt;
        auto m = TRY(s.receive(dhcp::kClientPort, static_cast<int>(left), wake_fd));
        if (!m) return std::nullopt;
        if (m->op == 2 && m->xid == xid && (m->type == type || m->type == dhcp::Nak)) return m;
    }
}

}  // namespace

Result<DhcpLease> dhcp_acquire(const std::string& ifname, const std::string& mac, int timeout_ms,
                               int wake_fd) {
    auto chaddr = dhcp::parse_mac(mac);
    if (!chaddr) return fail(ErrorKind::Invalid, "bad MAC address '" + mac + "'");
    auto sock = TRY(dhcp::PacketSocket::open(ifname));
    std::mt19937 rng(std::random_device{}());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int wait_ms = 250;  // doubles per attempt (4.1 asks for backoff), capped below
    while (std::chrono::steady_clock::now() < deadline) {
        if (dhcp::woken(wake_fd))
            return fail(ErrorKind::Interrupted, "DHCP on " + ifname + " stopped");
        dhcp::Message d;
        d.xid = rng();
        d.flags = 0x8000;  // no address yet: answer by broadcast
        d.chaddr = *chaddr;
        d.type = dhcp::Discover;
        TRY(broadcast(sock, d));
        auto offer = TRY(reply_to(sock, d.xid, dhcp::Offer, wait_ms, wake_fd));
        wait_ms = std::min(wait_ms * 2, 2000);
        if (!offer || offer->type != dhcp::Offer || !offer->yiaddr) continue;
        dhcp::Message r = d;
        r.type = dhcp::Request;
        r.requested_ip = offer->yiaddr;
        r.server_id = offer->server_id;
        auto requested_at = Clock::now();
        TRY(broadcast(sock, r));
        auto ack = TRY(reply_to(sock, d.xid, dhcp::Ack, 2000, wake_fd));
        if (!ack || ack->type != dhcp::Ack) continue;  // NAK or silence: start over
        // The machine waits for this lease to boot: not also for the socket's close.
        sys::close_in_background(std::move(sock.fd));
        return lease_from_ack(*ack, requested_at);
    }
    return fail(ErrorKind::Network, "no DHCP lease on " + ifname + " within " +
                                        std::to_string(timeout_ms / 1000) + " s");
}

}  // namespace env::net

#include "net/dhcp_server.h"

#include <spdlog/spdlog.h>

#include "util/inet.h"
#include "util/sys.h"

namespace env::net {

std::optional<dhcp::Message> DhcpServer::answer(const DhcpOffer& o, const dhcp::Message& m) {
    if (m.op != 1 || m.chaddr != o.client) return std::nullopt;
    dhcp::Message r;
    r.op = 2;
    r.xid = m.xid;
    r.flags = m.flags;
    r.chaddr = m.chaddr;
    r.server_id = o.server_id;
    if (m.type == dhcp::Discover) {
        r.type = dhcp::Offer;
    } else if (m.type == dhcp::Request) {
        // SELECTING names the server; INIT-REBOOT, RENEWING and REBINDING do not (4.3.2).
        if (m.server_id && m.server_id != o.server_id) return std::nullopt;  // chose another
        uint32_t wanted = m.requested_ip ? m.requested_ip : m.ciaddr;
        r.type = wanted == o.address ? dhcp::Ack : dhcp::Nak;
    } else {
        return std::nullopt;  // DECLINE, RELEASE, INFORM: the address stays the machine's
    }
    if (r.type != dhcp::Nak) {
        r.yiaddr = o.address;
        r.lease_secs = o.lease_secs;
        r.renew_secs = o.renew_secs;
        r.rebind_secs = o.rebind_secs;
        inet::Cidr c{0, o.prefix};
        r.subnet_mask = c.mask();
    }
    return r;
}

Result<std::unique_ptr<DhcpServer>> DhcpServer::start(const DhcpOffer& offer) {
    auto sock = TRY(dhcp::PacketSocket::open(offer.link));
    std::unique_ptr<DhcpServer> s(new DhcpServer(offer, std::move(sock)));
    s->thread_ = std::thread([p = s.get()] { p->run(); });
    return s;
}

DhcpServer::~DhcpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    sys::close_in_background(std::move(sock_.fd));  // overlaps the rest of a machine's stop
}

void DhcpServer::run() {
    while (!stop_) {
        auto m = sock_.receive(dhcp::kServerPort, 200);  // short: stop_ is polled
        if (!m) {
            spdlog::error("DHCP server on {}: {}", offer_.link, m.error().what());
            return;
        }
        if (!*m) continue;
        auto reply = answer(offer_, **m);
        if (!reply) continue;
        // Broadcast when asked (or when the client cannot take unicast yet), else to yiaddr.
        uint32_t dst =
            (reply->flags & 0x8000) || reply->type == dhcp::Nak ? 0xffffffff : reply->yiaddr;
        auto sent =
            sock_.send(offer_.client, dhcp::wrap_udp(offer_.server_id, dst, dhcp::kServerPort,
                                                     dhcp::kClientPort, dhcp::encode(*reply)));
        if (!sent) spdlog::warn("DHCP server on {}: {}", offer_.link, sent.error().what());
        spdlog::info("DHCP {} {} to {}",
                     reply->type == dhcp::Offer ? "offered"
                     : reply->type == dhcp::Ack ? "acknowledged"
                                                : "refused",
                     inet::format_ipv4(offer_.address), offer_.link);
    }
}

}  // namespace env::net

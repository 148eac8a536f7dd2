#include "net/dhcp_lease.h"

#include <algorithm>

namespace env::net {

std::optional<LeaseSchedule> lease_schedule(const DhcpLease& l) {
    if (l.lease_secs == 0 || l.lease_secs == dhcp::kInfiniteLease) return std::nullopt;
    const Millis lease = std::chrono::seconds(l.lease_secs);
    // A server's T1 and T2 are taken when they make sense (T1 <= T2 < lease, 4.4.5);
    // otherwise the defaults, 0.5 and 0.875 of the lease, as dhcpcd and ISC dhclient do.
    Millis t2 = l.rebind_secs && std::chrono::seconds(l.rebind_secs) < lease
                    ? Millis(std::chrono::seconds(l.rebind_secs))
                    : lease * 7 / 8;
    Millis t1 = l.renew_secs && std::chrono::seconds(l.renew_secs) <= t2
                    ? Millis(std::chrono::seconds(l.renew_secs))
                    : std::min<Millis>(lease / 2, t2);
    return LeaseSchedule{t1, t2, lease};
}

Millis retransmit_wait(Millis left, Millis minimum) {
    if (left <= Millis(0)) return Millis(0);
    return std::min(left, std::max(left / 2, minimum));
}

DhcpLease lease_from_ack(const dhcp::Message& ack, Clock::time_point requested_at) {
    DhcpLease l;
    l.address = ack.yiaddr;
    l.prefix = ack.subnet_mask ? __builtin_popcount(ack.subnet_mask) : 24;
    l.server = ack.server_id;
    l.router = ack.router;
    l.lease_secs = ack.lease_secs;
    l.renew_secs = ack.renew_secs;
    l.rebind_secs = ack.rebind_secs;
    l.requested_at = requested_at;
    return l;
}

dhcp::Message renewal_request(const DhcpLease& l, const dhcp::Mac& chaddr, uint32_t xid) {
    dhcp::Message m;
    m.xid = xid;
    m.flags = 0;
    m.ciaddr = l.address;
    m.chaddr = chaddr;
    m.type = dhcp::Request;
    return m;
}

}  // namespace env::net

#pragma once
// A DHCP lease as the client holds it, and its timing (RFC 2131 section 4.4.5): the client
// renews from T1 (option 58, default half the lease) by asking its server, rebinds from T2
// (option 59, default 7/8 of the lease) by asking any server, and must give the address up
// when the lease expires unanswered. Every time counts from when the REQUEST that got the
// lease was sent (4.4.1), not from when the ACK arrived.
#include <chrono>
#include <cstdint>
#include <optional>

#include "net/dhcp_packet.h"

namespace env::net {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

struct DhcpLease {
    uint32_t address = 0;
    int prefix = 24;
    uint32_t server = 0;  // option 54: where a renewal goes
    uint32_t router = 0;
    uint32_t lease_secs = 0;   // option 51
    uint32_t renew_secs = 0;   // option 58 (T1), 0 when the server sent none
    uint32_t rebind_secs = 0;  // option 59 (T2), 0 when the server sent none
    Clock::time_point requested_at{};
};

// When to renew, rebind and give up, counted from requested_at. nullopt: the lease never
// expires (infinite, or no lease time at all, which only BOOTP-era servers send).
struct LeaseSchedule {
    Millis renew, rebind, expiry;
};
std::optional<LeaseSchedule> lease_schedule(const DhcpLease& l);

// How long to wait for an answer before sending the REQUEST again (4.4.5): half the time
// left until `left` runs out (T2 while renewing, the expiry while rebinding), at least
// `minimum` (60 s in the RFC), never past the deadline itself.
Millis retransmit_wait(Millis left, Millis minimum);

// The lease an ACK grants, to a REQUEST sent at `requested_at`.
DhcpLease lease_from_ack(const dhcp::Message& ack, Clock::time_point requested_at);

// The REQUEST of a bound client (RENEWING and REBINDING, 4.3.2 and table 5): ciaddr is the
// address it holds, no requested-address and no server-id option, and the broadcast flag is
// clear since the client can take unicast now.
dhcp::Message renewal_request(const DhcpLease& l, const dhcp::Mac& chaddr, uint32_t xid);

}  // namespace env::net

#pragma once
// A DHCP client for one link of the caller's network namespace (RFC 2131 section 4.4:
// DISCOVER, the first OFFER, REQUEST, ACK; a NAK starts over). The container supervisor runs
// it from a thread inside the machine's namespace, so every box gets DHCP, whether it has a
// client of its own or not; the server is ours (dhcp_server.h) on host-only and internal
// networks, the LAN's on bridged ones. Our server's leases are infinite; a LAN's lease is
// renewed for as long as the machine runs by a DhcpRenewer (dhcp_renewer.h).
#include <string>

#include "net/dhcp_lease.h"
#include "util/error.h"

namespace env::net {

// wake_fd (an eventfd, when given): once readable, the attempt ends at once with
// ErrorKind::Interrupted (a renewer that lost its lease must not outlive a stop).
Result<DhcpLease> dhcp_acquire(const std::string& ifname, const std::string& mac, int timeout_ms,
                               int wake_fd = -1);

}  // namespace env::net

#pragma once
// A DHCP client for one link of the caller's network namespace (RFC 2131 section 4.4:
// DISCOVER, the first OFFER, REQUEST, ACK; a NAK starts over). The container supervisor runs
// it from a thread inside the machine's namespace, so every box gets DHCP, whether it has a
// client of its own or not; the server is ours (dhcp_server.h) on host-only and internal
// networks, the LAN's on bridged ones. No renewal: our leases are infinite, and a LAN's lease
// is kept until the machine stops (see src/net/README.md).
#include <string>

#include "util/error.h"

namespace env::net {

struct DhcpLease {
    uint32_t address = 0;
    int prefix = 24;
    uint32_t server = 0;
    uint32_t router = 0;
    uint32_t lease_secs = 0;
};

Result<DhcpLease> dhcp_acquire(const std::string& ifname, const std::string& mac, int timeout_ms);

}  // namespace env::net

#pragma once
// The socket of a DHCP client that holds an address (RENEWING and REBINDING, RFC 2131
// section 4.4.5): a kernel UDP socket on port 68, bound to one link. Unlike the packet
// socket of a client without an address (dhcp_packet.h), the kernel finds the server's MAC
// for the unicast renewal and stamps the link's address as the source. SO_BINDTODEVICE keeps
// every datagram on the link (the namespace's default route is the NAT's, on eth0), the
// limited broadcast of a rebinding included, and receives only what arrives there.
#include <optional>
#include <string>

#include "net/dhcp_packet.h"

namespace env::net::dhcp {

struct UdpSocket {
    UniqueFd fd;
    static Result<UdpSocket> open(const std::string& ifname);
    // To port 67 of `to`: the server (renewing) or 255.255.255.255 (rebinding).
    Result<> send(uint32_t to, const Message& m) const;
    // The server's reply (ACK or NAK) to xid for chaddr, or nullopt at the deadline or once
    // wake_fd is readable.
    Result<std::optional<Message>> reply_to(uint32_t xid, const Mac& chaddr, int timeout_ms,
                                            int wake_fd) const;
};

}  // namespace env::net::dhcp

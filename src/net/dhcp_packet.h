#pragma once
// DHCP messages (RFC 2131 section 2 layout, RFC 2132 options) and the IPv4/UDP framing they
// travel in on a packet socket: neither end of our DHCP has an address on the link yet
// (the client has none; the server answers on a bridge port, not from the host's stack),
// so both build whole IP datagrams and send them to a MAC address.
// Addresses are host byte order uint32_t, as inet::parse_ipv4 returns them.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::net::dhcp {

constexpr uint16_t kServerPort = 67, kClientPort = 68;
constexpr uint32_t kInfiniteLease = 0xffffffff;  // option 51's "infinity" (RFC 2132 9.2)
enum Type : uint8_t {
    Discover = 1,
    Offer = 2,
    Request = 3,
    Decline = 4,
    Ack = 5,
    Nak = 6,
    Release = 7
};
using Mac = std::array<uint8_t, 6>;

struct Message {
    uint8_t op = 1;  // 1 BOOTREQUEST, 2 BOOTREPLY
    uint32_t xid = 0;
    uint16_t flags = 0;  // 0x8000: broadcast the reply
    uint32_t ciaddr = 0, yiaddr = 0, siaddr = 0;
    Mac chaddr{};
    uint8_t type = 0;  // option 53
    uint32_t requested_ip = 0, server_id = 0, lease_secs = 0, subnet_mask = 0, router = 0;
    uint32_t renew_secs = 0, rebind_secs = 0;  // options 58 (T1) and 59 (T2); 0: not sent
};

std::vector<uint8_t> encode(const Message& m);
std::optional<Message> decode(const uint8_t* p, size_t n);

// An IPv4 datagram carrying UDP (header checksum set; UDP checksum 0, "none", RFC 768).
std::vector<uint8_t> wrap_udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                              const std::vector<uint8_t>& payload);
// The UDP payload of an IPv4 datagram addressed to dport, if it is one.
std::optional<std::vector<uint8_t>> unwrap_udp(const uint8_t* p, size_t n, uint16_t dport);

std::optional<Mac> parse_mac(const std::string& s);

// Waits until fd is readable (true), or returns false at the deadline or as soon as wake_fd
// (an eventfd; -1: none) is readable: the receive loops of both DHCP sockets.
Result<bool> wait_readable(int fd, int wake_fd, std::chrono::steady_clock::time_point deadline);
// Whether wake_fd (-1: none) is readable now: a stop was asked for.
bool woken(int wake_fd);

// A packet socket (SOCK_DGRAM: the kernel adds the Ethernet header) for IPv4 on one link of
// the caller's network namespace.
struct PacketSocket {
    UniqueFd fd;
    int ifindex = 0;
    static Result<PacketSocket> open(const std::string& ifname);
    Result<> send(const Mac& to, const std::vector<uint8_t>& datagram) const;
    // One DHCP message for port dport received from the link (not one we sent), or nullopt
    // at the deadline, or as soon as wake_fd (an eventfd, when given) becomes readable.
    Result<std::optional<Message>> receive(uint16_t dport, int timeout_ms, int wake_fd = -1) const;
};

}  // namespace env::net::dhcp

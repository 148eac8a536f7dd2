#include "net/dhcp_packet.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace env::net::dhcp {
namespace {

constexpr size_t kFixed = 236;  // op .. file, before the magic cookie
constexpr uint8_t kCookie[4] = {99, 130, 83, 99};

void put32(std::vector<uint8_t>& v, size_t at, uint32_t x) {
    for (int i = 0; i < 4; ++i) v[at + i] = uint8_t(x >> (24 - 8 * i));
}
uint32_t get32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
void option32(std::vector<uint8_t>& v, uint8_t code, uint32_t x) {
    if (!x) return;
    v.insert(v.end(), {code, 4, uint8_t(x >> 24), uint8_t(x >> 16), uint8_t(x >> 8), uint8_t(x)});
}

uint16_t ip_checksum(const uint8_t* p, size_t n) {
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t(p[i]) << 8 | p[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}

}  // namespace

std::vector<uint8_t> encode(const Message& m) {
    std::vector<uint8_t> v(kFixed, 0);
    v[0] = m.op;
    v[1] = 1;  // Ethernet
    v[2] = 6;
    put32(v, 4, m.xid);
    v[10] = uint8_t(m.flags >> 8);
    v[11] = uint8_t(m.flags);
    put32(v, 12, m.ciaddr);
    put32(v, 16, m.yiaddr);
    put32(v, 20, m.siaddr);
    std::memcpy(&v[28], m.chaddr.data(), 6);
    v.insert(v.end(), kCookie, kCookie + 4);
    v.insert(v.end(), {53, 1, m.type});
    option32(v, 50, m.requested_ip);
    option32(v, 54, m.server_id);
    option32(v, 51, m.lease_secs);
    option32(v, 1, m.subnet_mask);
    option32(v, 3, m.router);
    option32(v, 58, m.renew_secs);
    option32(v, 59, m.rebind_secs);
    v.push_back(255);
    v.resize(std::max<size_t>(v.size(), 300), 0);  // BOOTP's minimum, which old relays expect
    return v;
}

std::optional<Message> decode(const uint8_t* p, size_t n) {
    if (n < kFixed + 4 || p[1] != 1 || p[2] != 6 || std::memcmp(p + kFixed, kCookie, 4) != 0)
        return std::nullopt;
    Message m;
    m.op = p[0];
    m.xid = get32(p + 4);
    m.flags = uint16_t(p[10] << 8 | p[11]);
    m.ciaddr = get32(p + 12);
    m.yiaddr = get32(p + 16);
    m.siaddr = get32(p + 20);
    std::memcpy(m.chaddr.data(), p + 28, 6);
    for (size_t i = kFixed + 4; i < n;) {  // RFC 2132 section 2: code, length, data
        uint8_t code = p[i];
        if (code == 255) break;
        if (code == 0) {
            ++i;
            continue;
        }
        if (i + 2 > n || i + 2 + p[i + 1] > n) return std::nullopt;
        const uint8_t* d = p + i + 2;
        uint8_t len = p[i + 1];
        if (code == 53 && len == 1) m.type = d[0];
        if (len == 4) {
            if (code == 50) m.requested_ip = get32(d);
            if (code == 54) m.server_id = get32(d);
            if (code == 51) m.lease_secs = get32(d);
            if (code == 1) m.subnet_mask = get32(d);
            if (code == 3) m.router = get32(d);
            if (code == 58) m.renew_secs = get32(d);
            if (code == 59) m.rebind_secs = get32(d);
        }
        i += 2 + len;
    }
    if (m.type == 0) return std::nullopt;  // plain BOOTP: not ours to handle
    return m;
}

std::vector<uint8_t> wrap_udp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                              const std::vector<uint8_t>& payload) {
    size_t total = 28 + payload.size();
    std::vector<uint8_t> v(total, 0);
    v[0] = 0x45;  // IPv4, 5-word header
    v[2] = uint8_t(total >> 8);
    v[3] = uint8_t(total);
    v[8] = 64;  // TTL
    v[9] = IPPROTO_UDP;
    put32(v, 12, src);
    put32(v, 16, dst);
    uint16_t sum = ip_checksum(v.data(), 20);
    v[10] = uint8_t(sum >> 8);
    v[11] = uint8_t(sum);
    size_t udp = total - 20;
    v[20] = uint8_t(sport >> 8), v[21] = uint8_t(sport);
    v[22] = uint8_t(dport >> 8), v[23] = uint8_t(dport);
    v[24] = uint8_t(udp >> 8), v[25] = uint8_t(udp);
    std::copy(payload.begin(), payload.end(), v.begin() + 28);
    return v;
}

std::optional<std::vector<uint8_t>> unwrap_udp(const uint8_t* p, size_t n, uint16_t dport) {
    if (n < 28 || (p[0] >> 4) != 4 || p[9] != IPPROTO_UDP) return std::nullopt;
    size_t ihl = size_t(p[0] & 0xf) * 4;
    if (ihl < 20 || n < ihl + 8 || (p[6] & 0x3f) != 0 || p[7] != 0)
        return std::nullopt;  // fragments
    const uint8_t* u = p + ihl;
    if ((u[2] << 8 | u[3]) != dport) return std::nullopt;
    size_t len = size_t(u[4] << 8 | u[5]);
    if (len < 8 || ihl + len > n) return std::nullopt;
    return std::vector<uint8_t>(u + 8, u + len);
}

std::optional<Mac> parse_mac(const std::string& s) {
    Mac m{};
    if (std::sscanf(s.c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4],
                    &m[5]) != 6)
        return std::nullopt;
    return m;
}

Result<PacketSocket> PacketSocket::open(const std::string& ifname) {
    PacketSocket s;
    s.ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
    if (s.ifindex == 0) return fail(ErrorKind::NotFound, "no network interface '" + ifname + "'");
    // ETH_P_ALL, not ETH_P_IP: on a bridge port only the all-protocols taps see a frame
    // before the bridge takes it (net/core/dev.c, __netif_receive_skb_core).
    // Protocol 0 here and ETH_P_ALL in the bind: a socket made with a protocol starts
    // receiving from every link at once, and binding it to one then unhooks it with an RCU
    // grace period (synchronize_net), 10-30 ms (packet(7)).
    s.fd.reset(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s.fd) return fail_errno("packet socket on " + ifname);
    sockaddr_ll a{};
    a.sll_family = AF_PACKET;
    a.sll_protocol = htons(ETH_P_ALL);
    a.sll_ifindex = s.ifindex;
    if (::bind(s.fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        return fail_errno("bind a packet socket to " + ifname);
    return s;
}

Result<> PacketSocket::send(const Mac& to, const std::vector<uint8_t>& datagram) const {
    sockaddr_ll a{};
    a.sll_family = AF_PACKET;
    a.sll_protocol = htons(ETH_P_IP);
    a.sll_ifindex = ifindex;
    a.sll_halen = 6;
    std::memcpy(a.sll_addr, to.data(), 6);
    if (::sendto(fd.get(), datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&a),
                 sizeof a) < 0)
        return fail_errno("send a DHCP message");
    return {};
}

bool woken(int wake_fd) {
    pollfd p{wake_fd, POLLIN, 0};
    return wake_fd >= 0 && ::poll(&p, 1, 0) == 1;
}

Result<bool> wait_readable(int fd, int wake_fd, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) return false;
        pollfd p[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};  // poll skips fd -1
        int r = ::poll(p, 2, static_cast<int>(left));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return fail_errno("poll a DHCP socket");
        if (r == 0 || p[1].revents) return false;
        return true;
    }
}

Result<std::optional<Message>> PacketSocket::receive(uint16_t dport, int timeout_ms,
                                                     int wake_fd) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    uint8_t buf[2048];
    for (;;) {
        if (!TRY(wait_readable(fd.get(), wake_fd, deadline))) return std::nullopt;
        sockaddr_ll from{};
        socklen_t len = sizeof from;
        ssize_t n = ::recvfrom(fd.get(), buf, sizeof buf, MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return fail_errno("receive on a packet socket");
        }
        if (from.sll_pkttype == PACKET_OUTGOING) continue;  // our own, or the bridge's flood
        if (from.sll_protocol != htons(ETH_P_IP)) continue;
        auto payload = unwrap_udp(buf, static_cast<size_t>(n), dport);
        if (!payload) continue;
        if (auto m = decode(payload->data(), payload->size())) return m;
    }
}

}  // namespace env::net::dhcp

#include "net/dhcp_udp_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>

namespace env::net::dhcp {

Result<UdpSocket> UdpSocket::open(const std::string& ifname) {
    UdpSocket s;
    s.fd.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s.fd) return fail_errno("UDP socket for DHCP on " + ifname);
    int one = 1;
    // REUSEADDR: a client of the box's own on another link may hold *:68 as well.
    if (::setsockopt(s.fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        ::setsockopt(s.fd.get(), SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0 ||
        ::setsockopt(s.fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                     static_cast<socklen_t>(ifname.size())) != 0)
        return fail_errno("set up the DHCP socket on " + ifname);
    // The wildcard address: a server may answer a renewal by broadcast (NAKs often are).
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(kClientPort);
    if (::bind(s.fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        return fail_errno("bind UDP port 68 on " + ifname);
    return s;
}

Result<> UdpSocket::send(uint32_t to, const Message& m) const {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(kServerPort);
    a.sin_addr.s_addr = htonl(to);
    auto bytes = encode(m);
    if (::sendto(fd.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&a),
                 sizeof a) < 0)
        return fail_errno("send a DHCP request");
    return {};
}

Result<std::optional<Message>> UdpSocket::reply_to(uint32_t xid, const Mac& chaddr, int timeout_ms,
                                                   int wake_fd) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    uint8_t buf[1500];
    for (;;) {
        if (!TRY(wait_readable(fd.get(), wake_fd, deadline))) return std::nullopt;
        ssize_t n = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return fail_errno("receive on the DHCP socket");
        }
        auto m = decode(buf, static_cast<size_t>(n));
        if (m && m->op == 2 && m->xid == xid && m->chaddr == chaddr &&
            (m->type == Ack || m->type == Nak))
            return m;
    }
}

}  // namespace env::net::dhcp

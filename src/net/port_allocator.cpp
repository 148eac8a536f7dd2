#include "net/port_allocator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace env::net {

const char* to_string(Proto p) {
    return p == Proto::Tcp ? "tcp" : "udp";
}

namespace {

// Binds ip:port; port 0 lets the kernel choose. reuse_addr matches what libslirp sets on
// its own socket, so a port whose old connections linger in TIME_WAIT is still usable.
Result<PortReservation> try_bind(Proto proto, const std::string& ip, int port, bool reuse_addr) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, ip.c_str(), &a.sin_addr) != 1)
        return fail(ErrorKind::Invalid, "not an IPv4 address: '" + ip + "'");
    int type = proto == Proto::Tcp ? SOCK_STREAM : SOCK_DGRAM;
    UniqueFd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
    if (!fd) return fail_errno("socket");
    int one = 1;
    if (reuse_addr) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        int e = errno;
        return std::unexpected(Error(e == EADDRINUSE ? ErrorKind::Busy : ErrorKind::Io,
                                     std::string(to_string(proto)) + " port " + ip + ":" +
                                         std::to_string(port) + " is not available",
                                     e));
    }
    socklen_t len = sizeof a;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return fail_errno("getsockname");
    return PortReservation(ntohs(a.sin_port), std::move(fd));
}

}  // namespace

Result<PortReservation> reserve_port(Proto proto, const std::string& host_ip, int first, int last) {
    // No SO_REUSEADDR here: a port held by another reservation (or anything else bound)
    // must look busy, or two projects could pick the same one.
    if (first == 0) return try_bind(proto, host_ip, 0, false);
    if (last < first || first < 1 || last > 65535)
        return fail(ErrorKind::Invalid,
                    "bad port range " + std::to_string(first) + ".." + std::to_string(last));
    for (int p = first; p <= last; ++p) {
        auto r = try_bind(proto, host_ip, p, false);
        if (r) return r;
        if (r.error().kind() != ErrorKind::Busy) return r;
    }
    return fail(ErrorKind::Busy, std::string("no free ") + to_string(proto) + " port on " +
                                     host_ip + " in " + std::to_string(first) + ".." +
                                     std::to_string(last));
}

Result<PortReservation> adopt_port(UniqueFd bound) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (::getsockname(bound.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return fail_errno("getsockname of an inherited port");
    if (a.sin_family != AF_INET || a.sin_port == 0)
        return fail(ErrorKind::Invalid, "the inherited socket holds no IPv4 port");
    return PortReservation(ntohs(a.sin_port), std::move(bound));
}

Result<PortReservation> reserve_exact_port(Proto proto, const std::string& host_ip, int port) {
    if (port < 1 || port > 65535)
        return fail(ErrorKind::Invalid, "bad port " + std::to_string(port));
    return try_bind(proto, host_ip, port, true);
}

}  // namespace env::net

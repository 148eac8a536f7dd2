#include "host/tap_device.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>

#include "util/sys.h"

namespace env::host {
namespace {

Result<> set_flags_up(int sock, const std::string& name) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (::ioctl(sock, SIOCGIFFLAGS, &ifr) != 0) return fail_errno("SIOCGIFFLAGS " + name);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (::ioctl(sock, SIOCSIFFLAGS, &ifr) != 0) return fail_errno("bring " + name + " up");
    return {};
}

Result<sockaddr_in> inet(const std::string& text) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    if (::inet_pton(AF_INET, text.c_str(), &a.sin_addr) != 1)
        return fail(ErrorKind::Invalid, "bad IPv4 address '" + text + "'");
    return a;
}

}  // namespace

Result<> bring_up_loopback() {
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) return fail_errno("socket");
    return set_flags_up(sock.get(), "lo");
}

Result<UniqueFd> create_tap(const TapConfig& cfg) {
    UniqueFd tap = TRY(sys::open("/dev/net/tun", O_RDWR | O_NONBLOCK));
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, cfg.name.c_str(), IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (::ioctl(tap.get(), TUNSETIFF, &ifr) != 0) return fail_errno("TUNSETIFF " + cfg.name);

    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) return fail_errno("socket");
    ifreq addr{};
    std::strncpy(addr.ifr_name, cfg.name.c_str(), IFNAMSIZ - 1);
    auto ip = TRY(inet(cfg.address));
    std::memcpy(&addr.ifr_addr, &ip, sizeof ip);
    if (::ioctl(sock.get(), SIOCSIFADDR, &addr) != 0)
        return fail_errno("set address of " + cfg.name);
    sockaddr_in mask{};
    mask.sin_family = AF_INET;
    mask.sin_addr.s_addr = htonl(cfg.prefix == 0 ? 0 : ~uint32_t{0} << (32 - cfg.prefix));
    std::memcpy(&addr.ifr_netmask, &mask, sizeof mask);
    if (::ioctl(sock.get(), SIOCSIFNETMASK, &addr) != 0)
        return fail_errno("set netmask of " + cfg.name);
    TRY(set_flags_up(sock.get(), cfg.name));

    rtentry route{};
    auto gw = TRY(inet(cfg.gateway));
    sockaddr_in any{};
    any.sin_family = AF_INET;
    std::memcpy(&route.rt_gateway, &gw, sizeof gw);
    std::memcpy(&route.rt_dst, &any, sizeof any);
    std::memcpy(&route.rt_genmask, &any, sizeof any);
    route.rt_flags = RTF_UP | RTF_GATEWAY;
    if (::ioctl(sock.get(), SIOCADDRT, &route) != 0)
        return fail_errno("add default route via " + cfg.gateway);
    return tap;
}

}  // namespace env::host

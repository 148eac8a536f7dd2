#include "net/netlink.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <optional>

#include "util/sys.h"

namespace env::net {
namespace {

// Builds one rtnetlink request: header, a fixed struct, then attributes (rtnetlink(7)).
class Message {
public:
    Message(uint16_t type, uint16_t flags) {
        buf_.resize(NLMSG_HDRLEN);
        hdr()->nlmsg_type = type;
        hdr()->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
    }
    template <typename T>
    void put(const T& v) {
        append(&v, sizeof v);
    }
    void attr(uint16_t type, const void* data, size_t len) {
        struct rtattr a {};
        a.rta_type = type;
        a.rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
        append(&a, sizeof a);
        append(data, len);
    }
    void attr(uint16_t type, const std::string& s) { attr(type, s.c_str(), s.size() + 1); }
    void attr_u32(uint16_t type, uint32_t v) { attr(type, &v, sizeof v); }
    size_t begin_nested(uint16_t type) {
        size_t at = buf_.size();
        attr(type, nullptr, 0);
        return at;
    }
    void end_nested(size_t at) {
        reinterpret_cast<struct rtattr*>(buf_.data() + at)->rta_len =
            static_cast<uint16_t>(buf_.size() - at);
    }
    std::vector<uint8_t>& bytes() {
        hdr()->nlmsg_len = static_cast<uint32_t>(buf_.size());
        return buf_;
    }

private:
    struct nlmsghdr* hdr() {
        return reinterpret_cast<struct nlmsghdr*>(buf_.data());
    }
    void append(const void* p, size_t n) {
        size_t at = buf_.size();
        buf_.resize(at + NLMSG_ALIGN(n));
        if (n) std::memcpy(buf_.data() + at, p, n);
    }
    std::vector<uint8_t> buf_;
};

struct ifinfomsg link_info(int index = 0) {
    struct ifinfomsg i {};
    i.ifi_family = AF_UNSPEC;
    i.ifi_index = index;
    return i;
}

}  // namespace

Result<Netlink> Netlink::open() {
    int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return fail_errno("netlink socket");
    struct sockaddr_nl sa {};
    sa.nl_family = AF_NETLINK;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return fail_errno("bind netlink socket");
    }
    return Netlink(UniqueFd(fd));
}

Result<> Netlink::transact(const std::string& what, std::vector<uint8_t>& msg) {
    auto* h = reinterpret_cast<struct nlmsghdr*>(msg.data());
    h->nlmsg_seq = ++seq_;
    if (::send(fd_.get(), msg.data(), msg.size(), 0) < 0) return fail_errno(what);
    char buf[8192];
    for (;;) {
        ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno(what);
        }
        for (auto* r = reinterpret_cast<struct nlmsghdr*>(buf); NLMSG_OK(r, static_cast<size_t>(n));
             r = NLMSG_NEXT(r, n)) {
            if (r->nlmsg_seq != seq_ || r->nlmsg_type != NLMSG_ERROR) continue;
            int err = -static_cast<struct nlmsgerr*>(NLMSG_DATA(r))->error;
            if (err == 0) return {};
            return fail(ErrorKind::Io, what, err);
        }
    }
}

Result<int> Netlink::index_of(const std::string& name) const {
    unsigned idx = ::if_nametoindex(name.c_str());
    if (idx == 0) return fail(ErrorKind::NotFound, "no network interface '" + name + "'");
    return static_cast<int>(idx);
}

bool Netlink::exists(const std::string& name) const {
    return ::if_nametoindex(name.c_str()) != 0;
}

namespace {

Result<std::array<unsigned char, 6>> mac_bytes(const std::string& mac) {
    std::array<unsigned char, 6> b{};
    if (std::sscanf(mac.c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &b[0], &b[1], &b[2], &b[3], &b[4],
                    &b[5]) != 6)
        return fail(ErrorKind::Invalid, "bad MAC address '" + mac + "'");
    return b;
}

}  // namespace

Result<> Netlink::new_link(const std::string& what, const std::string& name,
                           const std::string& kind, const std::string& peer_or_parent,
                           const LinkPlacement& at) {
    std::optional<std::array<unsigned char, 6>> mac;
    if (!at.mac.empty()) mac = TRY(mac_bytes(at.mac));
    auto place = [&](Message& m) {
        if (at.netns_pid > 0) m.attr_u32(IFLA_NET_NS_PID, static_cast<uint32_t>(at.netns_pid));
        if (mac) m.attr(IFLA_ADDRESS, mac->data(), mac->size());
    };
    if (name.empty() || name.size() >= IFNAMSIZ)
        return fail(ErrorKind::Invalid, "bad interface name '" + name + "' (1 to 15 characters)");
    Message m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    m.put(link_info());
    m.attr(IFLA_IFNAME, name);
    if (kind == "macvlan") {
        m.attr_u32(IFLA_LINK, static_cast<uint32_t>(TRY(index_of(peer_or_parent))));
        place(m);
    }
    size_t info = m.begin_nested(IFLA_LINKINFO);
    m.attr(IFLA_INFO_KIND, kind.c_str(), kind.size());
    if (kind == "veth") {
        size_t data = m.begin_nested(IFLA_INFO_DATA);
        size_t peer = m.begin_nested(VETH_INFO_PEER);
        m.put(link_info());
        m.attr(IFLA_IFNAME, peer_or_parent);
        place(m);
        m.end_nested(peer);
        m.end_nested(data);
    } else if (kind == "macvlan") {
        size_t data = m.begin_nested(IFLA_INFO_DATA);
        m.attr_u32(IFLA_MACVLAN_MODE, MACVLAN_MODE_BRIDGE);
        m.end_nested(data);
    }
    m.end_nested(info);
    return transact(what, m.bytes());
}

Result<> Netlink::create_bridge(const std::string& name) {
    return new_link("create bridge " + name, name, "bridge", "");
}
Result<> Netlink::create_veth(const std::string& name, const std::string& peer) {
    if (peer.empty() || peer.size() >= IFNAMSIZ)
        return fail(ErrorKind::Invalid, "bad interface name '" + peer + "' (1 to 15 characters)");
    return new_link("create veth " + name + " <-> " + peer, name, "veth", peer);
}
Result<> Netlink::create_macvlan(const std::string& name, const std::string& parent) {
    return new_link("create macvlan " + name + " on " + parent, name, "macvlan", parent);
}

Result<> Netlink::create_veth_into(const std::string& name, const std::string& peer, int pid,
                                   const std::string& peer_mac) {
    if (peer.empty() || peer.size() >= IFNAMSIZ)
        return fail(ErrorKind::Invalid, "bad interface name '" + peer + "' (1 to 15 characters)");
    return new_link("create veth " + name + " <-> " + peer + " in the network namespace of pid " +
                        std::to_string(pid),
                    name, "veth", peer, {pid, peer_mac});
}
Result<> Netlink::create_macvlan_into(const std::string& name, const std::string& parent, int pid,
                                      const std::string& mac) {
    return new_link("create macvlan " + name + " on " + parent +
                        " in the network namespace of pid " + std::to_string(pid),
                    name, "macvlan", parent, {pid, mac});
}

Result<> Netlink::delete_link(const std::string& name) {
    Message m(RTM_DELLINK, 0);
    m.put(link_info(TRY(index_of(name))));
    return transact("delete link " + name, m.bytes());
}

Result<> Netlink::set_up(const std::string& name, bool up) {
    auto i = link_info(TRY(index_of(name)));
    i.ifi_change = IFF_UP;
    i.ifi_flags = up ? IFF_UP : 0;
    Message m(RTM_NEWLINK, 0);
    m.put(i);
    return transact(std::string(up ? "bring up " : "bring down ") + name, m.bytes());
}

Result<> Netlink::set_master(const std::string& name, const std::string& bridge) {
    Message m(RTM_NEWLINK, 0);
    m.put(link_info(TRY(index_of(name))));
    m.attr_u32(IFLA_MASTER, static_cast<uint32_t>(TRY(index_of(bridge))));
    return transact("attach " + name + " to bridge " + bridge, m.bytes());
}

Result<> Netlink::set_mac(const std::string& name, const std::string& mac) {
    unsigned char b[6];
    if (std::sscanf(mac.c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &b[0], &b[1], &b[2], &b[3], &b[4],
                    &b[5]) != 6)
        return fail(ErrorKind::Invalid, "bad MAC address '" + mac + "'");
    Message m(RTM_NEWLINK, 0);
    m.put(link_info(TRY(index_of(name))));
    m.attr(IFLA_ADDRESS, b, sizeof b);
    return transact("set MAC of " + name, m.bytes());
}

Result<> Netlink::set_name(const std::string& name, const std::string& new_name) {
    Message m(RTM_NEWLINK, 0);
    m.put(link_info(TRY(index_of(name))));
    m.attr(IFLA_IFNAME, new_name);
    return transact("rename " + name + " to " + new_name, m.bytes());
}

Result<> Netlink::move_to_netns(const std::string& name, int pid) {
    Message m(RTM_NEWLINK, 0);
    m.put(link_info(TRY(index_of(name))));
    m.attr_u32(IFLA_NET_NS_PID, static_cast<uint32_t>(pid));
    return transact("move " + name + " to the network namespace of pid " + std::to_string(pid),
                    m.bytes());
}

Result<> Netlink::move_to_netns_fd(const std::string& name, int netns_fd) {
    Message m(RTM_NEWLINK, 0);
    m.put(link_info(TRY(index_of(name))));
    m.attr_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
    return transact("move " + name + " to another network namespace", m.bytes());
}

Result<> Netlink::add_address(const std::string& name, const std::string& cidr) {
    return change_address(true, name, cidr);
}

Result<> Netlink::delete_address(const std::string& name, const std::string& cidr) {
    return change_address(false, name, cidr);
}

Result<> Netlink::change_address(bool add, const std::string& name, const std::string& cidr) {
    auto slash = cidr.find('/');
    std::string ip = cidr.substr(0, slash);
    int prefix = slash == std::string::npos ? 32 : std::atoi(cidr.c_str() + slash + 1);
    struct in_addr a {};
    if (::inet_pton(AF_INET, ip.c_str(), &a) != 1 || prefix < 0 || prefix > 32)
        return fail(ErrorKind::Invalid, "bad address '" + cidr + "'");
    struct ifaddrmsg ifa {};
    ifa.ifa_family = AF_INET;
    ifa.ifa_prefixlen = static_cast<unsigned char>(prefix);
    ifa.ifa_index = static_cast<unsigned>(TRY(index_of(name)));
    Message m(add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
    m.put(ifa);
    m.attr(IFA_LOCAL, &a, sizeof a);
    m.attr(IFA_ADDRESS, &a, sizeof a);
    if (prefix < 31) {
        uint32_t host = ntohl(a.s_addr);
        uint32_t mask = prefix == 0 ? 0 : ~0u << (32 - prefix);
        struct in_addr brd {
            htonl((host & mask) | ~mask)
        };
        m.attr(IFA_BROADCAST, &brd, sizeof brd);
    }
    return transact(
        (add ? "add address " + cidr + " to " : "delete address " + cidr + " from ") + name,
        m.bytes());
}

Result<> Netlink::add_default_route(const std::string& gateway) {
    struct in_addr gw {};
    if (::inet_pton(AF_INET, gateway.c_str(), &gw) != 1)
        return fail(ErrorKind::Invalid, "bad gateway '" + gateway + "'");
    struct rtmsg rt {};
    rt.rtm_family = AF_INET;
    rt.rtm_table = RT_TABLE_MAIN;
    rt.rtm_protocol = RTPROT_BOOT;
    rt.rtm_scope = RT_SCOPE_UNIVERSE;
    rt.rtm_type = RTN_UNICAST;
    Message m(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    m.put(rt);
    m.attr(RTA_GATEWAY, &gw, sizeof gw);
    return transact("add default route via " + gateway, m.bytes());
}

Result<std::vector<Netlink::Link>> Netlink::links() {
    Message m(RTM_GETLINK, NLM_F_DUMP);
    m.put(link_info());
    auto& req = m.bytes();
    auto* h = reinterpret_cast<struct nlmsghdr*>(req.data());
    h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;  // a dump is answered by NLMSG_DONE, no ACK
    h->nlmsg_seq = ++seq_;
    if (::send(fd_.get(), req.data(), req.size(), 0) < 0) return fail_errno("list links");
    std::vector<Link> out;
    std::vector<char> buf(32768);
    for (;;) {
        ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno("list links");
        }
        for (auto* r = reinterpret_cast<struct nlmsghdr*>(buf.data());
             NLMSG_OK(r, static_cast<size_t>(n)); r = NLMSG_NEXT(r, n)) {
            if (r->nlmsg_seq != seq_) continue;
            if (r->nlmsg_type == NLMSG_DONE) return out;
            if (r->nlmsg_type == NLMSG_ERROR)
                return fail(ErrorKind::Io, "list links",
                            -static_cast<struct nlmsgerr*>(NLMSG_DATA(r))->error);
            if (r->nlmsg_type != RTM_NEWLINK) continue;
            auto* info = static_cast<struct ifinfomsg*>(NLMSG_DATA(r));
            Link l;
            l.index = info->ifi_index;
            int len = static_cast<int>(IFLA_PAYLOAD(r));
            for (auto* a = IFLA_RTA(info); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                if (a->rta_type == IFLA_IFNAME) l.name = static_cast<const char*>(RTA_DATA(a));
                if (a->rta_type == IFLA_MASTER) l.master = *static_cast<const int*>(RTA_DATA(a));
            }
            out.push_back(std::move(l));
        }
    }
}

Result<std::vector<std::string>> Netlink::ports_of(const std::string& bridge) {
    int idx = TRY(index_of(bridge));
    std::vector<std::string> out;
    for (auto& l : TRY(links()))
        if (l.master == idx) out.push_back(l.name);
    return out;
}

}  // namespace env::net

#include "providers/container/extra_nics.h"

#include <fcntl.h>
#include <sched.h>

#include <spdlog/spdlog.h>

#include <thread>

#include "net/netlink.h"
#include "util/sys.h"

namespace env::container {

Result<> in_netns_of(pid_t pid, const std::function<Result<>()>& f) {
    UniqueFd ns = TRY(sys::open("/proc/" + std::to_string(pid) + "/ns/net", O_RDONLY));
    Result<> r;
    // setns(CLONE_NEWNET) changes the calling thread only: the supervisor's other threads
    // (the NAT) stay in the host's namespace.
    std::thread t([&] {
        if (::setns(ns.get(), CLONE_NEWNET) != 0)
            r = fail_errno("enter the network namespace of pid " + std::to_string(pid));
        else
            r = f();
    });
    t.join();
    return r;
}

namespace {

// The container's end while it is still in the host's namespace: a name of ours (envv...p),
// so two machines starting at once never race for "eth1".
std::string outside_name(const provider::Nic& n) {
    return n.macvlan ? n.host_end : n.host_end + "p";
}

Result<> make_host_side(net::Netlink& nl, const provider::Nic& n, pid_t pid) {
    const std::string peer = outside_name(n);
    if (nl.exists(n.host_end)) TRY(nl.delete_link(n.host_end));  // a crashed run's
    if (n.macvlan) {
        TRY(nl.create_macvlan(n.host_end, n.link));
    } else {
        TRY(nl.create_veth(n.host_end, peer));
        TRY(nl.set_master(n.host_end, n.link));
        TRY(nl.set_up(n.host_end));
    }
    TRY(nl.set_mac(peer, n.mac));
    return nl.move_to_netns(peer, pid);
}

}  // namespace

Result<> attach_extra_nics(const std::vector<provider::Nic>& nics, pid_t init_pid) {
    if (nics.empty()) return {};
    auto host = TRY(net::Netlink::open());
    for (auto& n : nics) {
        auto r = make_host_side(host, n, init_pid);
        if (!r) return std::unexpected(r.error().context("network '" + n.network + "'"));
    }
    return in_netns_of(init_pid, [&]() -> Result<> {
        auto nl = TRY(net::Netlink::open());
        for (auto& n : nics) {
            TRY(nl.set_name(outside_name(n), n.name));
            if (!n.address.empty()) TRY(nl.add_address(n.name, n.address));
            TRY(nl.set_up(n.name));
            spdlog::info("{} on network '{}' ({}{}), {}", n.name, n.network,
                         n.macvlan ? "macvlan on " : "bridge ", n.link,
                         n.address.empty() ? "dhcp" : n.address);
        }
        return {};
    });
}

void detach_extra_nics(const std::vector<provider::Nic>& nics) {
    if (nics.empty()) return;
    auto nl = net::Netlink::open();
    if (!nl) return;
    for (auto& n : nics)
        if (nl->exists(n.host_end))
            if (auto r = nl->delete_link(n.host_end); !r)
                spdlog::warn("removing {}: {}", n.host_end, r.error().what());
}

}  // namespace env::container

#pragma once
// Host network objects over rtnetlink (no `ip` subprocesses: they cost milliseconds each and
// their errors are text). Bridges for host-only and internal networks, veth pairs and
// macvlans to plug containers in, addresses and routes. Every call acts
// in the network namespace of the socket, which is the caller's at open().
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::net {

// Where a new link (or a veth's peer) is made, and its MAC; defaults: here, the kernel's.
struct LinkPlacement {
    int netns_pid = 0;
    std::string mac;
};

class Netlink {
public:
    static Result<Netlink> open();

    Result<> create_bridge(const std::string& name);
    // A veth pair; peer may be moved to another namespace later.
    Result<> create_veth(const std::string& name, const std::string& peer);
    // A macvlan in bridge mode on top of parent (bridged networks).
    Result<> create_macvlan(const std::string& name, const std::string& parent);
    // The same, made directly in the network namespace of pid under its final name and MAC
    // (the veth's peer; the macvlan itself): no move and no rename afterwards, each of which
    // costs the kernel an RCU grace period.
    Result<> create_veth_into(const std::string& name, const std::string& peer, int pid,
                              const std::string& peer_mac);
    Result<> create_macvlan_into(const std::string& name, const std::string& parent, int pid,
                                 const std::string& mac);
    Result<> delete_link(const std::string& name);

    Result<> set_up(const std::string& name, bool up = true);
    Result<> set_master(const std::string& name, const std::string& bridge);
    Result<> set_mac(const std::string& name, const std::string& mac);
    Result<> set_name(const std::string& name, const std::string& new_name);
    // Moves a link into the namespace of pid (its /proc/PID/ns/net).
    Result<> move_to_netns(const std::string& name, int pid);
    // Same, by an open namespace fd.
    Result<> move_to_netns_fd(const std::string& name, int netns_fd);

    // cidr: "192.168.56.1/24"
    Result<> add_address(const std::string& name, const std::string& cidr);
    Result<> delete_address(const std::string& name, const std::string& cidr);
    Result<> add_default_route(const std::string& gateway);

    Result<int> index_of(const std::string& name) const;
    bool exists(const std::string& name) const;
    struct Link {
        std::string name;
        int index = 0;
        int master = 0;  // index of the bridge it is attached to, 0 when none
    };
    // Every link of this namespace, asked of the kernel (sysfs shows the namespace that
    // mounted it, which need not be ours).
    Result<std::vector<Link>> links();
    // Names of the links attached to a bridge.
    Result<std::vector<std::string>> ports_of(const std::string& bridge);

private:
    explicit Netlink(UniqueFd fd) : fd_(std::move(fd)) {}
    // Sends one request and waits for its ACK; the error names what was attempted.
    Result<> transact(const std::string& what, std::vector<uint8_t>& msg);
    Result<> new_link(const std::string& what, const std::string& name, const std::string& kind,
                      const std::string& peer_or_parent, const LinkPlacement& at = {});
    Result<> change_address(bool add, const std::string& name, const std::string& cidr);
    UniqueFd fd_;
    uint32_t seq_ = 1;
};

}  // namespace env::net

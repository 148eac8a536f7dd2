#pragma once
// The host side of a project's extra networks (DESIGN.md, "Networking model"):
//   host-only  a Linux bridge holding .1 of the subnet: host and machines reach each other;
//   internal   a bridge with no address: machines only, no route from the host;
//   bridged    no bridge of ours: machines get a macvlan on the named host interface.
// Bridges are named after the project directory and network (envb + 8 hex digits, within
// IFNAMSIZ, stable across runs) so that destroy finds them. Subnets are claimed in
// $ENV_HOME/networks.json: a second project claiming an overlapping subnet, or a subnet
// already on a host interface, gets a clear error instead of a broken routing table.
#include <string>

#include "envfile/model.h"
#include "net/netlink.h"
#include "util/error.h"

namespace env::net {

struct HostNetworkSpec {
    std::string project_dir;  // identity of the project (absolute)
    std::string network;      // its name in the Envfile
    envfile::NetworkType type = envfile::NetworkType::HostOnly;
    std::string subnet;       // CIDR, host-only and internal
    std::string interface;    // bridged: the host interface
};

std::string bridge_name(const std::string& project_dir, const std::string& network);
// Host end of a machine's veth for its nic-th extra network; the peer is "<name>p" until
// the container renames it.
std::string veth_name(const std::string& project_dir, const std::string& machine, int nic);

// A stable, locally administered unicast MAC for a machine's nic-th extra network (02:...),
// the same on every up, so DHCP leases and neighbours' caches survive restarts.
std::string machine_mac(const std::string& project_dir, const std::string& machine, int nic);

class HostNetworks {
public:
    HostNetworks(std::string claims_path, Netlink& nl) : claims_(std::move(claims_path)), nl_(nl) {}

    // Claims the subnet and creates (or finds) the bridge, up, with .1 for host-only.
    // Returns the link machines attach to: the bridge, or the host interface when bridged.
    Result<std::string> ensure(const HostNetworkSpec& spec);
    // Removes the bridge and the claim once no machine is attached to the bridge any more.
    // Returns whether it did.
    Result<bool> release_if_unused(const HostNetworkSpec& spec);

private:
    Result<> claim(const HostNetworkSpec& spec, const std::string& bridge);
    std::string claims_;
    Netlink& nl_;
};

}  // namespace env::net

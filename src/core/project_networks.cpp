#include "core/project_networks.h"

#include <set>

#include "core/machine_record.h"
#include "core/paths.h"
#include "envfile/values.h"
#include "net/dhcp_leases.h"
#include "net/host_network.h"
#include "net/netlink.h"

namespace env::core {
namespace {

net::HostNetworkSpec spec_of(const Project& p, const envfile::Network& n) {
    return {p.dir, n.name, n.type, n.subnet, n.interface};
}

net::DhcpLeases leases_of(const Project& p, const envfile::Network& n) {
    return net::DhcpLeases(env_home() + "/dhcp/" + net::bridge_name(p.dir, n.name) + ".json");
}

// What our DHCP server on the machine's veth offers it: its lease on the network, never
// the host's .1 nor a static address of the project.
Result<std::string> dhcp_offer(const Project& p, const envfile::Network& n,
                               const std::string& mac) {
    auto subnet = *envfile::parse_cidr(n.subnet);  // a DHCP network has one (the loader says)
    std::set<uint32_t> reserved{subnet.network + 1};
    for (auto& other : p.envfile.machines)
        for (auto& b : other.networks)
            if (b.network == n.name && !b.ip.empty()) reserved.insert(*envfile::parse_ipv4(b.ip));
    uint32_t ip = TRY(leases_of(p, n).lease(mac, subnet, reserved));
    return envfile::format_ipv4(ip) + "/" + std::to_string(subnet.prefix);
}

bool created(const Project& p, const envfile::Machine& m) {
    auto r = load_record(p.machine_dir(m.name));
    return !r || r->has_value();  // unreadable: assume it exists, keep the network
}

}  // namespace

std::string network_claims_path() {
    return env_home() + "/networks.json";
}

namespace {

Result<std::vector<provider::Nic>> ensure_all(const Project& p, const envfile::Machine& m) {
    std::vector<provider::Nic> out;
    if (m.networks.empty()) return out;
    auto nl = TRY(net::Netlink::open());
    net::HostNetworks host(network_claims_path(), nl);
    for (size_t i = 0; i < m.networks.size(); ++i) {
        const auto& a = m.networks[i];
        const auto& n = p.envfile.networks.at(a.network);   // validated by the loader
        if (n.type == envfile::NetworkType::Nat) continue;  // eth0 is the NAT already
        provider::Nic nic;
        nic.network = n.name;
        nic.macvlan = n.type == envfile::NetworkType::Bridged;
        nic.link = TRY(host.ensure(spec_of(p, n)));
        nic.host_end = net::veth_name(p.dir, m.name, static_cast<int>(i));
        nic.name = "eth" + std::to_string(out.size() + 1);
        nic.mac = a.mac.empty() ? net::machine_mac(p.dir, m.name, static_cast<int>(i)) : a.mac;
        if (!a.ip.empty())
            nic.address = a.ip + "/" + std::to_string(envfile::parse_cidr(n.subnet)->prefix);
        nic.dhcp = a.ip.empty();
        if (nic.dhcp && !nic.macvlan) nic.dhcp_offer = TRY(dhcp_offer(p, n, nic.mac));
        out.push_back(std::move(nic));
    }
    return out;
}

}  // namespace

Result<std::vector<provider::Nic>> ensure_machine_networks(const Project& p,
                                                           const envfile::Machine& m) {
    auto nics = ensure_all(p, m);
    if (!nics) (void)release_machine_networks(p, m);  // no half-made set: the first is undone too
    return nics;
}

Result<> release_machine_networks(const Project& p, const envfile::Machine& m) {
    if (m.networks.empty()) return {};
    auto nl = TRY(net::Netlink::open());
    net::HostNetworks host(network_claims_path(), nl);
    for (size_t i = 0; i < m.networks.size(); ++i) {
        // A veth whose supervisor was killed outlives it until its namespace is reaped.
        auto end = net::veth_name(p.dir, m.name, static_cast<int>(i));
        if (nl.exists(end)) TRY(nl.delete_link(end));
        const auto& a = m.networks[i];
        auto type = p.envfile.networks.at(a.network).type;
        if (a.ip.empty() &&
            (type == envfile::NetworkType::HostOnly || type == envfile::NetworkType::Internal))
            TRY(leases_of(p, p.envfile.networks.at(a.network))
                    .release(a.mac.empty() ? net::machine_mac(p.dir, m.name, static_cast<int>(i))
                                           : a.mac));
    }
    for (auto& a : m.networks) {
        bool in_use = false;
        for (auto& other : p.envfile.machines) {
            if (other.name == m.name || !created(p, other)) continue;
            for (auto& b : other.networks) in_use |= b.network == a.network;
        }
        const auto& n = p.envfile.networks.at(a.network);
        if (in_use || n.type == envfile::NetworkType::Nat) continue;
        if (TRY(host.release_if_unused(spec_of(p, n))) && !n.subnet.empty() &&
            n.type != envfile::NetworkType::Bridged)
            TRY(leases_of(p, n).remove_all());
    }
    return {};
}

}  // namespace env::core

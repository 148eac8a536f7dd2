#include "core/project_networks.h"

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>

#include "core/machine_record.h"
#include "net/dhcp_leases.h"
#include "net/host_network.h"
#include "net/netlink.h"
#include "state/paths.h"
#include "util/inet.h"
#include "util/sys.h"

namespace env::core {
namespace {

using envfile::NetworkType;

// What a machine holds on the host for one attachment, recorded by `up` in
// .envstate/networks/<machine>.json: destroy releases what was made, even if the Envfile
// has changed since (or the machine's directory is already gone).
struct Held {
    std::string network;
    NetworkType type = NetworkType::HostOnly;
    int index = 0;  // in the machine's `networks:` list (not recorded: only up uses it)
    std::string subnet, interface, mac;
    std::string ip;       // static address, "" with DHCP
    bool leased = false;  // a lease of our DHCP server
};

std::string record_path(const Project& p, const std::string& machine) {
    return p.state_dir + "/networks/" + machine + ".json";
}

net::HostNetworkSpec spec_of(const Project& p, const Held& h) {
    return {p.dir, h.network, h.type, h.subnet, h.interface};
}

net::DhcpLeases leases_of(const Project& p, const std::string& network) {
    return net::DhcpLeases(state::env_home() + "/dhcp/" + net::bridge_name(p.dir, network) +
                           ".json");
}

// From the Envfile: what an up of m makes (also for machines created before records).
std::vector<Held> planned(const Project& p, const envfile::Machine& m) {
    std::vector<Held> out;
    for (size_t i = 0; i < m.networks.size(); ++i) {
        const auto& a = m.networks[i];
        const auto& n = p.envfile.networks.at(a.network);  // validated by the loader
        if (n.type == NetworkType::Nat) continue;          // eth0 is the NAT already
        int nic = static_cast<int>(i);
        out.push_back({n.name, n.type, nic, n.subnet, n.interface,
                       a.mac.empty() ? net::machine_mac(p.dir, m.name, nic) : a.mac, a.ip,
                       a.ip.empty() && n.type != NetworkType::Bridged});
    }
    return out;
}

Result<> save_held(const Project& p, const std::string& machine, const std::vector<Held>& held) {
    auto j = nlohmann::json::array();
    for (auto& h : held)
        j.push_back({{"network", h.network},
                     {"type", static_cast<int>(h.type)},
                     {"subnet", h.subnet},
                     {"interface", h.interface},
                     {"mac", h.mac},
                     {"ip", h.ip},
                     {"leased", h.leased}});
    TRY(sys::make_dirs(p.state_dir + "/networks"));
    return sys::write_file_atomic(record_path(p, machine), j.dump(1) + "\n");
}

std::optional<std::vector<Held>> load_held(const Project& p, const std::string& machine) {
    auto text = sys::read_file(record_path(p, machine));
    if (!text) return std::nullopt;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_array()) return std::nullopt;
    std::vector<Held> out;
    for (auto& e : j)
        out.push_back({e.value("network", ""), static_cast<NetworkType>(e.value("type", 1)), 0,
                       e.value("subnet", ""), e.value("interface", ""), e.value("mac", ""),
                       e.value("ip", ""), e.value("leased", false)});
    return out;
}

// Networks held by the project's machines other than `except`: recorded ones, and created
// machines of the Envfile that have no record.
std::set<std::string> held_by_others(const Project& p, const std::string& except) {
    std::set<std::string> out, recorded;
    for (auto& name :
         sys::list_dir(p.state_dir + "/networks").value_or(std::vector<std::string>{})) {
        if (name.size() < 6 || name.substr(name.size() - 5) != ".json") continue;
        std::string machine = name.substr(0, name.size() - 5);
        recorded.insert(machine);
        if (machine == except) continue;
        for (auto& h : load_held(p, machine).value_or(std::vector<Held>{})) out.insert(h.network);
    }
    for (auto& m : p.envfile.machines) {
        if (m.name == except || recorded.count(m.name)) continue;
        auto r = load_record(p.machine_dir(m.name));
        if (r && !r->has_value()) continue;  // not created (unreadable: assume it is)
        for (auto& h : planned(p, m)) out.insert(h.network);
    }
    return out;
}

// What our DHCP server on the machine's link offers it: its lease on the network, never
// the host's .1 nor a static address of the project.
Result<std::string> dhcp_offer(const Project& p, const envfile::Network& n,
                               const std::string& mac) {
    auto subnet = *inet::parse_cidr(n.subnet);  // a DHCP network has one (the loader says)
    std::set<uint32_t> reserved{subnet.network + 1};
    for (auto& other : p.envfile.machines)
        for (auto& b : other.networks)
            if (b.network == n.name && !b.ip.empty()) reserved.insert(*inet::parse_ipv4(b.ip));
    uint32_t ip = TRY(leases_of(p, n.name).lease(mac, subnet, reserved));
    return inet::format_ipv4(ip) + "/" + std::to_string(subnet.prefix);
}

Result<std::vector<provider::Attachment>> ensure_all(const Project& p, const envfile::Machine& m) {
    std::vector<provider::Attachment> out;
    auto held = planned(p, m);
    if (held.empty()) return out;
    // Recorded first: whatever the loop below makes is released by a later destroy.
    TRY(save_held(p, m.name, held));
    auto nl = TRY(net::Netlink::open());
    net::HostNetworks host(network_claims_path(), nl);
    for (auto& h : held) {
        provider::Attachment nic;
        nic.network = h.network;
        nic.index = h.index;
        nic.bridged = h.type == NetworkType::Bridged;
        nic.link = TRY(host.ensure(spec_of(p, h)));
        nic.name = "eth" + std::to_string(out.size() + 1);
        nic.mac = h.mac;
        if (!h.ip.empty())
            nic.address = h.ip + "/" + std::to_string(inet::parse_cidr(h.subnet)->prefix);
        nic.dhcp = h.ip.empty();
        if (h.leased) nic.dhcp_offer = TRY(dhcp_offer(p, p.envfile.networks.at(h.network), h.mac));
        out.push_back(std::move(nic));
    }
    return out;
}

}  // namespace

std::string network_claims_path() {
    return state::env_home() + "/networks.json";
}

Result<std::vector<provider::Attachment>> ensure_machine_networks(const Project& p,
                                                                  const envfile::Machine& m) {
    auto nics = ensure_all(p, m);
    if (!nics) (void)release_machine_networks(p, m);  // no half-made set: the first is undone too
    return nics;
}

Result<> release_machine_networks(const Project& p, const envfile::Machine& m) {
    auto held = load_held(p, m.name).value_or(planned(p, m));
    if (held.empty()) return {};
    auto nl = TRY(net::Netlink::open());
    net::HostNetworks host(network_claims_path(), nl);
    // The machine's own links went with the provider's destroy.
    for (auto& h : held)
        if (h.leased) TRY(leases_of(p, h.network).release(h.mac));
    auto in_use = held_by_others(p, m.name);
    for (auto& h : held) {
        if (in_use.count(h.network)) continue;
        if (TRY(host.release_if_unused(spec_of(p, h))) && !h.subnet.empty() &&
            h.type != NetworkType::Bridged)
            TRY(leases_of(p, h.network).remove_all());
    }
    ::unlink(record_path(p, m.name).c_str());
    ::rmdir((p.state_dir + "/networks").c_str());  // once empty
    return {};
}

}  // namespace env::core

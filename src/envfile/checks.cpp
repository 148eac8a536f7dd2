#include "envfile/checks.h"

#include <string>
#include <unordered_map>

namespace env::envfile {
namespace {

std::string at(Mark m) {
    return std::to_string(m.line) + ":" + std::to_string(m.col);
}

// A forward on 0.0.0.0 takes the port on every address, so it collides with any other.
bool ports_collide(const PortForward& a, const PortForward& b) {
    return a.host == b.host && a.protocol == b.protocol &&
           (a.host_ip == b.host_ip || a.host_ip == "0.0.0.0" || b.host_ip == "0.0.0.0");
}

}  // namespace

void check_project(const Envfile& e, Diagnostics& diag) {
    // Few machines: quadratic scans are simpler than indexes and fast at this size, except
    // for names, which loops can multiply.
    std::unordered_map<std::string, const Machine*> names;
    const Machine* primary = nullptr;
    struct Owned {
        const Machine* m;
        const void* item;
    };
    std::unordered_map<std::string, Owned> ips, macs;
    std::vector<std::pair<const Machine*, const PortForward*>> ports;
    for (auto& m : e.machines) {
        auto [it, fresh] = names.emplace(m.name, &m);
        if (!fresh)
            diag.error(m.mark, "duplicate machine name '" + m.name + "' (also defined at " +
                                   at(it->second->mark) + ")");
        if (m.primary) {
            if (primary)
                diag.error(m.mark, "machine '" + m.name + "' is primary, but so is '" +
                                       primary->name + "'; only one machine can be primary");
            else
                primary = &m;
        }
        for (auto& a : m.networks) {
            if (!a.ip.empty()) {
                auto [ip, fresh_ip] = ips.emplace(a.network + "/" + a.ip, Owned{&m, &a});
                if (!fresh_ip)
                    diag.error(
                        a.mark,
                        "ip " + a.ip + " of " + m.name + " on network '" + a.network +
                            "' is already used by " + ip->second.m->name + " (" +
                            at(static_cast<const NetworkAttachment*>(ip->second.item)->mark) + ")");
            }
            if (!a.mac.empty()) {
                auto [mac, fresh_mac] = macs.emplace(a.mac, Owned{&m, &a});
                if (!fresh_mac)
                    diag.error(a.mark, "MAC address " + a.mac + " of " + m.name +
                                           " is already used by " + mac->second.m->name);
            }
        }
        for (auto& p : m.ports) {
            for (auto& [om, op] : ports)
                if (ports_collide(p, *op)) {
                    diag.error(p.mark, "host port " + p.host_ip + ":" + std::to_string(p.host) +
                                           "/" + p.protocol + " of " + m.name +
                                           " is already forwarded to " + om->name + " (" +
                                           at(op->mark) + ")");
                    break;
                }
            ports.emplace_back(&m, &p);
        }
    }
}

}  // namespace env::envfile

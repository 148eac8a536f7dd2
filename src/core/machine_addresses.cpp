#include "core/machine_addresses.h"

#include <nlohmann/json.hpp>

#include "util/sys.h"

namespace env::core {

std::map<std::string, std::string> machine_addresses(const Project& p, const envfile::Machine& m) {
    std::map<std::string, std::string> out;
    nlohmann::json leases;
    if (auto text = sys::read_file(p.machine_dir(m.name) + "/leases.json"))
        leases = nlohmann::json::parse(*text, nullptr, false);
    int eth = 0;
    for (auto& a : m.networks) {
        if (p.envfile.networks.at(a.network).type == envfile::NetworkType::Nat) continue;
        std::string nic = "eth" + std::to_string(++eth);
        if (!a.ip.empty())
            out[a.network] = a.ip;
        else if (leases.is_object() && leases.contains(nic) && leases[nic].is_string())
            out[a.network] = leases[nic].get<std::string>();
    }
    return out;
}

std::string describe_addresses(const envfile::Machine& m,
                               const std::map<std::string, std::string>& addresses) {
    std::string out;
    for (auto& a : m.networks) {
        auto it = addresses.find(a.network);
        if (it == addresses.end()) continue;
        out += (out.empty() ? "" : ", ") + it->second + " (" + a.network + ")";
    }
    return out;
}

}  // namespace env::core

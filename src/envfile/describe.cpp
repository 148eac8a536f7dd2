#include "envfile/describe.h"

#include <algorithm>
#include <array>
#include <vector>

namespace env::envfile {

std::string format_size(uint64_t b) {
    if (b == 0) return "0";
    if (b % (1ull << 40) == 0) return std::to_string(b >> 40) + "T";
    if (b % (1ull << 30) == 0) return std::to_string(b >> 30) + "G";
    if (b % (1ull << 20) == 0) return std::to_string(b >> 20) + "M";
    if (b % (1ull << 10) == 0) return std::to_string(b >> 10) + "K";
    return std::to_string(b) + "B";
}

std::string describe(const Envfile& e) {
    std::vector<std::array<std::string, 7>> rows;
    for (auto& m : e.machines) {
        std::string box = m.box.name + (m.box.constraint.empty() ? "" : "@" + m.box.constraint);
        std::string nets, ports;
        for (auto& a : m.networks)
            nets += (nets.empty() ? "" : ", ") + a.network + " " + (a.dhcp ? "dhcp" : a.ip);
        for (auto& p : m.ports)
            ports += (ports.empty() ? "" : ", ") + p.host_ip + ":" + std::to_string(p.host) + "->" +
                     std::to_string(p.guest) + "/" + p.protocol;
        std::string cpus = std::to_string(m.cpus) + (m.cpus == 1 ? " cpu" : " cpus");
        if (m.cpu_cap != 100) cpus += " @" + std::to_string(m.cpu_cap) + "%";
        rows.push_back({m.name, box, m.provider, cpus, format_size(m.memory),
                        nets.empty() ? "nat only" : nets, ports.empty() ? "-" : ports});
    }
    std::array<size_t, 7> width{};
    for (auto& r : rows)
        for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    std::string out;
    for (auto& r : rows) {
        std::string line;
        for (size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + '\n';
    }
    return out;
}

}  // namespace env::envfile

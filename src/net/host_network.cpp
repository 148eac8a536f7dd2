#include "net/host_network.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <sys/file.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "util/inet.h"
#include "util/sys.h"

namespace env::net {
namespace {

std::string hash8(const std::string& s) {
    uint32_t h = 2166136261u;  // FNV-1a: stable across builds, unlike std::hash
    for (unsigned char c : s) h = (h ^ c) * 16777619u;
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", h);
    return buf;
}

Result<inet::Cidr> cidr_of(const HostNetworkSpec& s) {
    auto c = inet::parse_cidr(s.subnet);
    if (!c) return fail(ErrorKind::Invalid, "network '" + s.network + "': " + c.error());
    return *c;
}

bool overlaps(const inet::Cidr& a, const inet::Cidr& b) {
    int p = std::min(a.prefix, b.prefix);
    uint32_t m = p == 0 ? 0 : ~uint32_t(0) << (32 - p);
    return (a.network & m) == (b.network & m);
}

// An address of a host interface (other than our own bridge) inside the subnet.
std::string host_address_in(const inet::Cidr& c, const std::string& ours) {
    struct ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return "";
    std::string found;
    for (auto* a = list; a && found.empty(); a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || ours == a->ifa_name) continue;
        uint32_t ip = ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
        uint32_t mask = ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_netmask)->sin_addr.s_addr);
        inet::Cidr theirs{ip & mask, __builtin_popcount(mask)};
        if (overlaps(c, theirs))
            found = std::string(a->ifa_name) + " (" + inet::format_ipv4(ip) + "/" +
                    std::to_string(theirs.prefix) + ")";
    }
    ::freeifaddrs(list);
    return found;
}

}  // namespace

std::string bridge_name(const std::string& project_dir, const std::string& network) {
    return "envb" + hash8(project_dir + '\0' + network);
}

std::string veth_name(const std::string& project_dir, const std::string& machine, int nic) {
    return "envv" + hash8(project_dir + '\0' + machine + '\0' + std::to_string(nic));
}

std::string machine_mac(const std::string& project_dir, const std::string& machine, int nic) {
    std::string h = hash8(project_dir + '\0' + machine + '\0' + std::to_string(nic) + "\0mac");
    std::string g = hash8(h + machine);
    char buf[18];
    std::snprintf(buf, sizeof buf, "02:%c%c:%c%c:%c%c:%c%c:%c%c", h[0], h[1], h[2], h[3], h[4],
                  h[5], h[6], h[7], g[0], g[1]);
    return buf;
}

Result<> HostNetworks::claim(const HostNetworkSpec& spec, const std::string& bridge) {
    auto mine = TRY(cidr_of(spec));
    TRY(sys::make_dirs(claims_.substr(0, claims_.rfind('/'))));
    UniqueFd lock = TRY(sys::open(claims_ + ".lock", O_RDWR | O_CREAT, 0644));
    while (::flock(lock.get(), LOCK_EX) != 0)
        if (errno != EINTR) return fail_errno("lock " + claims_);
    nlohmann::json j = nlohmann::json::object();
    if (sys::exists(claims_)) {
        j = nlohmann::json::parse(TRY(sys::read_file(claims_)), nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return fail(ErrorKind::Invalid, claims_ + ": not a network claims file");
    }
    auto& list = j["networks"];
    if (!list.is_array()) list = nlohmann::json::array();
    for (auto& c : list) {
        if (c.value("bridge", "") == bridge) return {};  // ours already
        auto theirs = inet::parse_cidr(c.value("subnet", ""));
        if (theirs && overlaps(mine, *theirs))
            return fail(ErrorKind::Invalid,
                        "network '" + spec.network + "' (" + spec.subnet + ") overlaps network '" +
                            c.value("network", "") + "' (" + c.value("subnet", "") +
                            ") of the project in " + c.value("project_dir", "") +
                            "; choose another subnet");
    }
    if (auto host = host_address_in(mine, bridge); !host.empty())
        return fail(ErrorKind::Invalid, "network '" + spec.network + "' (" + spec.subnet +
                                            ") overlaps the host's interface " + host +
                                            "; choose another subnet");
    list.push_back({{"bridge", bridge},
                    {"project_dir", spec.project_dir},
                    {"network", spec.network},
                    {"subnet", spec.subnet}});
    return sys::write_file_atomic(claims_, j.dump(2) + "\n");
}

Result<std::string> HostNetworks::ensure(const HostNetworkSpec& spec) {
    using envfile::NetworkType;
    if (spec.type == NetworkType::Bridged) {
        if (!nl_.exists(spec.interface))
            return fail(ErrorKind::NotFound, "network '" + spec.network + "': host interface '" +
                                                 spec.interface + "' does not exist");
        return spec.interface;
    }
    if (spec.type != NetworkType::HostOnly && spec.type != NetworkType::Internal)
        return fail(ErrorKind::Internal, "network '" + spec.network + "' has no host side");
    std::string br = bridge_name(spec.project_dir, spec.network);
    TRY(claim(spec, br));
    // Machines of one project may come up at once: the other one making the bridge or its
    // address first is success (EEXIST), not an error.
    auto exists_ok = [](Result<> r) -> Result<> {
        if (!r && r.error().err() == EEXIST) return {};
        return r;
    };
    if (!nl_.exists(br)) TRY(exists_ok(nl_.create_bridge(br)));
    if (spec.type == NetworkType::HostOnly) {
        auto c = TRY(cidr_of(spec));
        TRY(exists_ok(nl_.add_address(
            br, inet::format_ipv4(c.network + 1) + "/" + std::to_string(c.prefix))));
    }
    TRY(nl_.set_up(br));
    return br;
}

Result<bool> HostNetworks::release_if_unused(const HostNetworkSpec& spec) {
    if (spec.type == envfile::NetworkType::Bridged) return false;
    std::string br = bridge_name(spec.project_dir, spec.network);
    if (nl_.exists(br)) {
        if (!TRY(nl_.ports_of(br)).empty()) return false;
        // Gone meanwhile (another machine of the project destroyed at once): as good.
        if (auto r = nl_.delete_link(br);
            !r && r.error().err() != ENODEV && r.error().kind() != ErrorKind::NotFound)
            return std::unexpected(r.error());
    }
    if (!sys::exists(claims_)) return true;
    UniqueFd lock = TRY(sys::open(claims_ + ".lock", O_RDWR | O_CREAT, 0644));
    while (::flock(lock.get(), LOCK_EX) != 0)
        if (errno != EINTR) return fail_errno("lock " + claims_);
    auto j = nlohmann::json::parse(TRY(sys::read_file(claims_)), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j["networks"].is_array()) return true;
    auto& list = j["networks"];
    for (auto it = list.begin(); it != list.end();)
        it = it->value("bridge", "") == br ? list.erase(it) : it + 1;
    TRY(sys::write_file_atomic(claims_, j.dump(2) + "\n"));
    return true;
}

}  // namespace env::net

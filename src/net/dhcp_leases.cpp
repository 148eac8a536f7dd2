#include "net/dhcp_leases.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "util/sys.h"

namespace env::net {
namespace {

Result<UniqueFd> lock(const std::string& path) {
    TRY(sys::make_dirs(path.substr(0, path.rfind('/'))));
    UniqueFd fd = TRY(sys::open(path + ".lock", O_RDWR | O_CREAT, 0644));
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) return fail_errno("lock " + path);
    return fd;
}

Result<nlohmann::json> load(const std::string& path) {
    nlohmann::json j = {{"leases", nlohmann::json::object()}};
    if (!sys::exists(path)) return j;
    auto read = nlohmann::json::parse(TRY(sys::read_file(path)), nullptr, false);
    if (read.is_discarded() || !read.is_object() || !read["leases"].is_object())
        return fail(ErrorKind::Invalid, path + ": not a DHCP leases file");
    return read;
}

}  // namespace

Result<uint32_t> DhcpLeases::lease(const std::string& mac, const inet::Cidr& subnet,
                                   const std::set<uint32_t>& reserved) {
    auto held = TRY(lock(path_));
    auto j = TRY(load(path_));
    auto& leases = j["leases"];
    std::set<uint32_t> taken = reserved;
    for (auto& [m, ip] : leases.items()) {
        auto v = ip.is_string() ? inet::parse_ipv4(ip.get<std::string>()) : std::unexpected("");
        if (!v) continue;
        if (m == mac && subnet.contains(*v) && !reserved.count(*v)) return *v;
        taken.insert(*v);
    }
    const uint32_t first = subnet.network + 2, last = subnet.broadcast() - 1;
    const uint32_t start = subnet.network + 100 <= last ? subnet.network + 100 : first;
    for (uint32_t i = 0; i <= last - first; ++i) {
        uint32_t ip = start + i <= last ? start + i : first + (start + i - last - 1);
        if (taken.count(ip)) continue;
        leases[mac] = inet::format_ipv4(ip);
        TRY(sys::write_file_atomic(path_, j.dump(2) + "\n"));
        return ip;
    }
    return fail(ErrorKind::Busy, "no free address left in " + inet::format_ipv4(subnet.network) +
                                     "/" + std::to_string(subnet.prefix) + " (" + path_ + ")");
}

Result<> DhcpLeases::release(const std::string& mac) {
    if (!sys::exists(path_)) return {};
    auto held = TRY(lock(path_));
    auto j = TRY(load(path_));
    if (j["leases"].erase(mac) == 0) return {};
    return sys::write_file_atomic(path_, j.dump(2) + "\n");
}

Result<> DhcpLeases::remove_all() {
    auto held = TRY(lock(path_));
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) return fail_errno("remove " + path_);
    ::unlink((path_ + ".lock").c_str());
    return {};
}

}  // namespace env::net

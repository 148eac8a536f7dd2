#include "providers/container/supervisor/extra_nics.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "net/dhcp_client.h"
#include "net/netlink.h"
#include "util/inet.h"
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

constexpr int kDhcpTimeoutMs = 15000;

// The host side, and the container's end made directly inside its namespace under its final
// name and MAC (no move, no rename: each would cost an RCU grace period).
Result<> make_links(net::Netlink& nl, const ExtraNicConfig& n, pid_t pid) {
    if (n.macvlan) return nl.create_macvlan_into(n.name, n.link, pid, n.mac);
    if (nl.exists(n.host_end)) TRY(nl.delete_link(n.host_end));  // a crashed run's
    TRY(nl.create_veth_into(n.host_end, n.name, pid, n.mac));
    TRY(nl.set_master(n.host_end, n.link));
    return nl.set_up(n.host_end);
}

// Our server for this machine on its veth's host end (net/dhcp_server.h).
Result<std::unique_ptr<net::DhcpServer>> serve_dhcp(const ExtraNicConfig& n) {
    auto slash = n.dhcp_offer.find('/');
    auto ip = inet::parse_ipv4(n.dhcp_offer.substr(0, slash));
    auto mac = net::dhcp::parse_mac(n.mac);
    if (!ip || !mac || slash == std::string::npos)
        return fail(ErrorKind::Invalid, "bad DHCP offer '" + n.dhcp_offer + "' for " + n.mac);
    net::DhcpOffer o;
    o.link = n.host_end;
    o.client = *mac;
    o.address = *ip;
    o.prefix = std::atoi(n.dhcp_offer.c_str() + slash + 1);
    o.server_id = inet::Cidr{*ip & inet::Cidr{0, o.prefix}.mask(), o.prefix}.network + 1;
    return net::DhcpServer::start(o);
}

}  // namespace

Result<std::unique_ptr<ExtraNics>> ExtraNics::attach(const std::vector<ExtraNicConfig>& nics,
                                                     pid_t init_pid,
                                                     const std::string& leases_json) {
    auto out = std::make_unique<ExtraNics>();
    if (nics.empty()) return out;
    auto host = TRY(net::Netlink::open());
    for (auto& n : nics) {
        auto r = make_links(host, n, init_pid);
        if (r && !n.dhcp_offer.empty()) {
            auto s = serve_dhcp(n);
            if (s) out->servers_.push_back(std::move(*s));
            r = s ? Result<>{} : std::unexpected(s.error());
        }
        if (!r) return std::unexpected(r.error().context("network '" + n.network + "'"));
    }
    out->leases_json_ = leases_json;
    std::vector<std::pair<const ExtraNicConfig*, net::DhcpLease>> leases;
    TRY(in_netns_of(init_pid, [&]() -> Result<> {
        auto nl = TRY(net::Netlink::open());
        for (auto& n : nics) {
            if (!n.address.empty()) TRY(nl.add_address(n.name, n.address));
            TRY(nl.set_up(n.name));
            std::string address = n.address;
            if (n.dhcp) {
                auto lease = net::dhcp_acquire(n.name, n.mac, kDhcpTimeoutMs);
                if (!lease)
                    return std::unexpected(lease.error().context("network '" + n.network + "'"));
                address = inet::format_ipv4(lease->address) + "/" + std::to_string(lease->prefix);
                TRY(nl.add_address(n.name, address));
                leases.emplace_back(&n, *lease);
            }
            spdlog::info("{} on network '{}' ({}{}): {}{}", n.name, n.network,
                         n.macvlan ? "macvlan on " : "bridge ", n.link, address,
                         n.dhcp ? " (DHCP)" : "");
        }
        return {};
    }));
    for (auto& [n, lease] : leases) out->leased_[n->name] = inet::format_ipv4(lease.address);
    TRY(out->write_leases());  // no renewer runs yet: no lock needed
    for (auto& [n, lease] : leases)
        if (net::lease_schedule(lease)) TRY(out->start_renewer(*n, lease, init_pid));
    return out;
}

Result<> ExtraNics::record_lease(const std::string& nic, const std::optional<uint32_t>& address) {
    std::lock_guard lock(leases_mu_);
    if (address)
        leased_[nic] = inet::format_ipv4(*address);
    else
        leased_.erase(nic);
    return write_leases();
}

Result<> ExtraNics::write_leases() const {
    nlohmann::json j = nlohmann::json::object();
    for (auto& [k, v] : leased_) j[k] = v;
    return sys::write_file_atomic(leases_json_, j.dump() + "\n");
}

// The thread joins the container's namespace itself, for as long as the machine runs.
Result<> ExtraNics::start_renewer(const ExtraNicConfig& n, const net::DhcpLease& lease,
                                  pid_t init_pid) {
    auto ns = TRY(sys::open("/proc/" + std::to_string(init_pid) + "/ns/net", O_RDONLY));
    net::RenewerConfig cfg;
    cfg.ifname = n.name;
    cfg.mac = n.mac;
    cfg.acquire_timeout_ms = kDhcpTimeoutMs;
    auto on_change = [this, nic = n.name, network = n.network](const auto& l) {
        spdlog::info("{} on network '{}': DHCP address now {}", nic, network,
                     l ? inet::format_ipv4(l->address) : "none (lease lost)");
        if (auto r = record_lease(nic, l ? std::optional(l->address) : std::nullopt); !r)
            spdlog::error("recording the DHCP address of {}: {}", nic, r.error().what());
    };
    renewers_.push_back(TRY(net::DhcpRenewer::start(cfg, lease, std::move(ns), on_change)));
    return {};
}

void detach_extra_nics(const std::vector<ExtraNicConfig>& nics) {
    if (nics.empty()) return;
    auto nl = net::Netlink::open();
    if (!nl) return;
    for (auto& n : nics)
        if (nl->exists(n.host_end))
            if (auto r = nl->delete_link(n.host_end); !r)
                spdlog::warn("removing {}: {}", n.host_end, r.error().what());
}

}  // namespace env::container

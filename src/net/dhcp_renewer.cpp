#include "net/dhcp_renewer.h"

#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <climits>
#include <cstring>
#include <random>

#include "net/dhcp_client.h"
#include "net/dhcp_udp_socket.h"
#include "net/netlink.h"
#include "util/inet.h"

namespace env::net {
namespace {

std::string cidr_of(const DhcpLease& l) {
    return inet::format_ipv4(l.address) + "/" + std::to_string(l.prefix);
}

// For poll(): never negative, never past INT_MAX (an infinite lease sleeps in long steps).
int millis(Millis m) {
    return static_cast<int>(std::clamp<int64_t>(m.count(), 0, INT_MAX));
}

}  // namespace

Result<std::unique_ptr<DhcpRenewer>> DhcpRenewer::start(RenewerConfig cfg, DhcpLease lease,
                                                        UniqueFd netns, OnChange on_change) {
    if (!dhcp::parse_mac(cfg.mac))
        return fail(ErrorKind::Invalid, "bad MAC address '" + cfg.mac + "'");
    std::unique_ptr<DhcpRenewer> r(
        new DhcpRenewer(std::move(cfg), lease, std::move(netns), std::move(on_change)));
    if (!r->wake_) return fail_errno("eventfd for the DHCP renewer");
    r->thread_ = std::thread([p = r.get()] { p->run(); });
    return r;
}

DhcpRenewer::DhcpRenewer(RenewerConfig cfg, DhcpLease lease, UniqueFd netns, OnChange on_change)
    : cfg_(std::move(cfg)),
      chaddr_(*dhcp::parse_mac(cfg_.mac)),
      lease_(lease),
      netns_(std::move(netns)),
      on_change_(std::move(on_change)),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

DhcpRenewer::~DhcpRenewer() {
    uint64_t one = 1;
    if (::write(wake_.get(), &one, sizeof one) != sizeof one)
        spdlog::error("waking the DHCP renewer of {} failed", cfg_.ifname);
    if (thread_.joinable()) thread_.join();
}

bool DhcpRenewer::sleep_until(Clock::time_point t) const {
    for (;;) {
        auto left = std::chrono::ceil<Millis>(t - Clock::now());
        pollfd p{wake_.get(), POLLIN, 0};
        int r = ::poll(&p, 1, millis(left));
        if (r == 1) return false;
        if (r == 0 && Clock::now() >= t) return true;
    }
}

void DhcpRenewer::run() {
    if (netns_ && ::setns(netns_.get(), CLONE_NEWNET) != 0) {
        spdlog::error("DHCP renewer of {}: enter the machine's network namespace: {}", cfg_.ifname,
                      std::strerror(errno));
        return;
    }
    netns_.reset();  // the thread holds the namespace now
    while (!dhcp::woken(wake_.get())) {
        auto schedule = lease_schedule(lease_);
        if (!schedule) {  // infinite: nothing to renew, ever
            sleep_until(Clock::time_point::max());
            return;
        }
        spdlog::debug(
            "DHCP {} on {}: renewing in {} ms", inet::format_ipv4(lease_.address), cfg_.ifname,
            std::chrono::duration_cast<Millis>(lease_.requested_at + schedule->renew - Clock::now())
                .count());
        if (!sleep_until(lease_.requested_at + schedule->renew)) return;
        auto next = extend(*schedule);
        if (!next && next.error().kind() == ErrorKind::Interrupted) return;
        if (!next) {  // the socket failed (port 68 taken?): keep the address while it is ours
            spdlog::warn("DHCP on {}: {}", cfg_.ifname, next.error().what());
            if (!sleep_until(lease_.requested_at + schedule->expiry)) return;
            next = std::optional<DhcpLease>{};
        }
        if (*next && (*next)->address == lease_.address && (*next)->prefix == lease_.prefix) {
            spdlog::info("DHCP {} on {} renewed for {} s", inet::format_ipv4(lease_.address),
                         cfg_.ifname, (*next)->lease_secs);
            lease_ = **next;
            continue;
        }
        if (auto r = replace_address(std::nullopt); !r)
            spdlog::error("DHCP on {}: {}", cfg_.ifname, r.error().what());
        auto fresh = *next ? Result<DhcpLease>(**next) : acquire_again();
        if (!fresh) return;  // stopped
        lease_ = *fresh;
        if (auto r = replace_address(lease_); !r)
            spdlog::error("DHCP on {}: {}", cfg_.ifname, r.error().what());
    }
}

Result<std::optional<DhcpLease>> DhcpRenewer::extend(const LeaseSchedule& s) {
    auto sock = TRY(dhcp::UdpSocket::open(cfg_.ifname));
    std::mt19937 rng(std::random_device{}());
    const auto start = lease_.requested_at;
    for (;;) {
        auto now = Clock::now();
        if (now >= start + s.expiry) return std::nullopt;
        // RENEWING until T2 asks the lease's server; REBINDING after it asks any server.
        bool rebinding = now >= start + s.rebind || !lease_.server;
        auto deadline = start + (rebinding ? s.expiry : s.rebind);
        // A fresh xid per transmission: an ACK counts its lease from the REQUEST it answers.
        auto req = renewal_request(lease_, chaddr_, rng());
        auto sent = sock.send(rebinding ? 0xffffffff : lease_.server, req);
        if (!sent)  // e.g. no route to an off-link server: the next try, or T2's broadcast
            spdlog::debug("DHCP on {}: {}", cfg_.ifname, sent.error().what());
        auto until =
            now + retransmit_wait(std::chrono::ceil<Millis>(deadline - now), cfg_.min_retransmit);
        auto reply = TRY(sock.reply_to(req.xid, chaddr_,
                                       millis(std::chrono::ceil<Millis>(until - Clock::now())),
                                       wake_.get()));
        if (!reply) {
            // Sleep out the rest (a poll may end a fraction of a millisecond early), so that
            // a wait that ran to the deadline is past it and the state changes.
            if (!sleep_until(until))
                return fail(ErrorKind::Interrupted, "DHCP on " + cfg_.ifname + " stopped");
            continue;
        }
        if (reply->type == dhcp::Nak) {
            spdlog::warn("DHCP {} on {}: the server refused the renewal (NAK)",
                         inet::format_ipv4(lease_.address), cfg_.ifname);
            return std::nullopt;
        }
        auto l = lease_from_ack(*reply, now);
        if (!l.address) l.address = lease_.address;  // yiaddr is the ciaddr we sent
        if (!l.server) l.server = lease_.server;
        return l;
    }
}

Result<> DhcpRenewer::replace_address(const std::optional<DhcpLease>& next) {
    auto nl = TRY(Netlink::open());
    if (!next) {
        spdlog::warn("DHCP {} on {}: no longer ours, address removed", cidr_of(lease_),
                     cfg_.ifname);
        auto r = nl.delete_address(cfg_.ifname, cidr_of(lease_));
        if (on_change_) on_change_(std::nullopt);
        return r;
    }
    TRY(nl.add_address(cfg_.ifname, cidr_of(*next)));
    spdlog::debug("DHCP on {}: new address {} for {} s", cfg_.ifname, cidr_of(*next),
                  next->lease_secs);
    if (on_change_) on_change_(next);
    return {};
}

// Back to INIT (4.4.1): DISCOVER rounds until a server answers or the renewer stops.
Result<DhcpLease> DhcpRenewer::acquire_again() {
    for (;;) {
        auto l = dhcp_acquire(cfg_.ifname, cfg_.mac, cfg_.acquire_timeout_ms, wake_.get());
        if (l || l.error().kind() == ErrorKind::Interrupted) return l;
        spdlog::warn("DHCP on {}: {}; trying again", cfg_.ifname, l.error().what());
        // Silence already took a whole round; anything else (the link is gone) would spin.
        bool silence = l.error().kind() == ErrorKind::Network;
        if (!sleep_until(Clock::now() + (silence ? Millis(0) : cfg_.min_retransmit)))
            return fail(ErrorKind::Interrupted, "DHCP on " + cfg_.ifname + " stopped");
    }
}

}  // namespace env::net

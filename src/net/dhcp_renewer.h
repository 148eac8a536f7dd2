#pragma once
// Keeps a DHCP lease alive for as long as the renewer lives (RFC 2131 section 4.4.5): a
// thread sleeps until T1, asks the lease's server to extend it (a unicast REQUEST with
// ciaddr), from T2 asks any server (the same REQUEST, broadcast), and retransmits after
// half the time left to T2 or to the expiry, at least `min_retransmit`. An ACK restarts the
// clock with the new lease. A NAK, or the expiry without an ACK, means the address is no
// longer ours: it is removed from the link at once, and the client starts over with a
// DISCOVER (dhcp_acquire) until it gets an address again, which it adds.
//
// The container supervisor runs one per DHCP NIC whose lease is finite (a LAN's server on a
// bridged network; ours gives infinite leases), in the machine's network namespace.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "net/dhcp_lease.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace env::net {

struct RenewerConfig {
    std::string ifname;
    std::string mac;
    Millis min_retransmit = std::chrono::seconds(60);  // the RFC's; tests use less
    int acquire_timeout_ms = 15000;  // one DISCOVER round after a lost lease; rounds repeat
};

class DhcpRenewer {
public:
    // Called on the renewer's thread after the link's address changed: the new lease, or
    // nullopt once the old address is gone and no new one is bound yet.
    using OnChange = std::function<void(const std::optional<DhcpLease>&)>;

    // `lease` is bound on cfg.ifname now, its address on the link. netns: the network
    // namespace the thread joins before anything else (an invalid fd: the caller's).
    static Result<std::unique_ptr<DhcpRenewer>> start(RenewerConfig cfg, DhcpLease lease,
                                                      UniqueFd netns, OnChange on_change);
    // Wakes the thread at once, whatever it waits for, and joins it; the address stays.
    ~DhcpRenewer();
    DhcpRenewer(const DhcpRenewer&) = delete;
    DhcpRenewer& operator=(const DhcpRenewer&) = delete;

private:
    DhcpRenewer(RenewerConfig cfg, DhcpLease lease, UniqueFd netns, OnChange on_change);
    void run();
    bool sleep_until(Clock::time_point t) const;  // false: stopped
    // RENEWING then REBINDING: the new lease, or nullopt when it is lost (NAK, expiry).
    Result<std::optional<DhcpLease>> extend(const LeaseSchedule& s);
    Result<> replace_address(const std::optional<DhcpLease>& next);
    Result<DhcpLease> acquire_again();

    RenewerConfig cfg_;
    dhcp::Mac chaddr_{};
    DhcpLease lease_;
    UniqueFd netns_;
    OnChange on_change_;
    UniqueFd wake_;  // an eventfd, written once by the destructor
    std::thread thread_;
};

}  // namespace env::net

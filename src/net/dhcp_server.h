#pragma once
// The DHCP server of a host-only or internal network, one per machine: the machine's
// supervisor runs it on the host end of the machine's veth (a packet socket there sees
// exactly what the machine sends, before the bridge) and answers only the machine's MAC,
// with the address the core leased to it (dhcp_leases.h). So no daemon serves a bridge and
// two machines' servers never answer the same client. DISCOVER -> OFFER, REQUEST -> ACK
// (or NAK for another address), RFC 2131 section 4.3; the lease is infinite unless the
// offer says otherwise (tests of the renewal give short ones): the address belongs to the
// machine until it is destroyed.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "net/dhcp_packet.h"
#include "util/error.h"

namespace env::net {

struct DhcpOffer {
    std::string link;  // the veth's host end
    dhcp::Mac client{};
    uint32_t address = 0;  // what the client gets
    int prefix = 24;
    uint32_t server_id = 0;  // the subnet's .1 (the host's address on host-only networks)
    uint32_t lease_secs = dhcp::kInfiniteLease;
    uint32_t renew_secs = 0, rebind_secs = 0;  // T1 and T2 (options 58, 59); 0: not sent
};

class DhcpServer {
public:
    static Result<std::unique_ptr<DhcpServer>> start(const DhcpOffer& offer);
    ~DhcpServer();  // stops and joins its thread

    // The reply to one client message, or nullopt when there is none (not our client, not a
    // request a server answers). Public for tests.
    static std::optional<dhcp::Message> answer(const DhcpOffer& o, const dhcp::Message& m);

private:
    DhcpServer(DhcpOffer o, dhcp::PacketSocket s) : offer_(o), sock_(std::move(s)) {}
    void run();
    DhcpOffer offer_;
    dhcp::PacketSocket sock_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace env::net

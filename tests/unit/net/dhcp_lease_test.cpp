// A client's lease timing (RFC 2131 section 4.4.5), the REQUEST of a renewal, and the T1/T2
// options on the wire and in our server's answers.
#include <catch2/catch.hpp>

#include "net/dhcp_lease.h"
#include "net/dhcp_server.h"
#include "util/inet.h"

using namespace env::net;
using namespace std::chrono_literals;
using env::inet::parse_ipv4;

namespace {
DhcpLease lease(uint32_t secs, uint32_t t1 = 0, uint32_t t2 = 0) {
    DhcpLease l;
    l.address = *parse_ipv4("192.168.1.23");
    l.server = *parse_ipv4("192.168.1.1");
    l.lease_secs = secs;
    l.renew_secs = t1;
    l.rebind_secs = t2;
    return l;
}
}  // namespace

TEST_CASE("T1 and T2 default to half and seven eighths of the lease", "[net][dhcp]") {
    auto s = lease_schedule(lease(3600));
    REQUIRE(s);
    CHECK(s->renew == 1800s);
    CHECK(s->rebind == 3150s);
    CHECK(s->expiry == 3600s);
    s = lease_schedule(lease(5));  // in milliseconds, not rounded to whole seconds
    REQUIRE(s);
    CHECK(s->renew == 2500ms);
    CHECK(s->rebind == 4375ms);
}

TEST_CASE("a server's T1 and T2 are used when they make sense", "[net][dhcp]") {
    auto s = lease_schedule(lease(86400, 600, 1200));
    REQUIRE(s);
    CHECK(s->renew == 600s);
    CHECK(s->rebind == 1200s);
    CHECK(s->expiry == 86400s);
    s = lease_schedule(lease(100, 0, 30));  // T2 before the default T1: renew at T2
    REQUIRE(s);
    CHECK(s->renew == 30s);
    CHECK(s->rebind == 30s);
    s = lease_schedule(lease(100, 90, 60));  // T1 after T2: the default T1
    REQUIRE(s);
    CHECK(s->renew == 50s);
    CHECK(s->rebind == 60s);
    s = lease_schedule(lease(100, 40, 100));  // T2 at the expiry: the default T2
    REQUIRE(s);
    CHECK(s->renew == 40s);
    CHECK(s->rebind == 87500ms);
}

TEST_CASE("infinite leases and leases without a time are never renewed", "[net][dhcp]") {
    CHECK_FALSE(lease_schedule(lease(dhcp::kInfiniteLease)));
    CHECK_FALSE(lease_schedule(lease(0)));
}

TEST_CASE("retransmissions wait half the time left but at least the minimum", "[net][dhcp]") {
    CHECK(retransmit_wait(1800s, 60s) == 900s);
    CHECK(retransmit_wait(100s, 60s) == 60s);  // half is 50 s: the minimum
    CHECK(retransmit_wait(30s, 60s) == 30s);   // never past the deadline
    CHECK(retransmit_wait(0s, 60s) == 0s);
    CHECK(retransmit_wait(-5s, 60s) == 0s);
    CHECK(retransmit_wait(3000ms, 500ms) == 1500ms);
}

TEST_CASE("a renewal REQUEST carries ciaddr and no server id, requested address or broadcast flag",
          "[net][dhcp]") {
    const dhcp::Mac mac = {0x02, 0, 0, 0, 0, 7};
    auto m = renewal_request(lease(3600), mac, 0xabcdef01);
    auto bytes = dhcp::encode(m);
    auto back = dhcp::decode(bytes.data(), bytes.size());
    REQUIRE(back);
    CHECK(back->op == 1);
    CHECK(back->type == dhcp::Request);
    CHECK(back->xid == 0xabcdef01);
    CHECK(back->ciaddr == *parse_ipv4("192.168.1.23"));
    CHECK(back->yiaddr == 0);
    CHECK(back->chaddr == mac);
    CHECK(back->flags == 0);
    CHECK(back->server_id == 0);
    CHECK(back->requested_ip == 0);
    // Nor on the wire: options 50 and 54 are absent, not zero.
    for (size_t i = 240; i < bytes.size() && bytes[i] != 255;
         i += bytes[i] ? 2 + bytes[i + 1] : 1) {
        CHECK(bytes[i] != 50);
        CHECK(bytes[i] != 54);
    }
}

TEST_CASE("options 58 and 59 survive encode and decode, and an ACK makes the lease",
          "[net][dhcp]") {
    dhcp::Message m;
    m.op = 2;
    m.type = dhcp::Ack;
    m.yiaddr = *parse_ipv4("10.0.0.9");
    m.server_id = *parse_ipv4("10.0.0.1");
    m.subnet_mask = 0xfffff000;
    m.lease_secs = 7200;
    m.renew_secs = 1000;
    m.rebind_secs = 5000;
    auto bytes = dhcp::encode(m);
    auto back = dhcp::decode(bytes.data(), bytes.size());
    REQUIRE(back);
    CHECK(back->renew_secs == 1000);
    CHECK(back->rebind_secs == 5000);
    auto at = Clock::now();
    auto l = lease_from_ack(*back, at);
    CHECK(l.address == m.yiaddr);
    CHECK(l.prefix == 20);
    CHECK(l.server == m.server_id);
    CHECK(l.lease_secs == 7200);
    CHECK(l.renew_secs == 1000);
    CHECK(l.rebind_secs == 5000);
    CHECK(l.requested_at == at);
}

TEST_CASE("our server offers the lease time, T1 and T2 it is given", "[net][dhcp]") {
    DhcpOffer o;
    o.client = {0x02, 0, 0, 0, 0, 7};
    o.address = *parse_ipv4("192.168.77.100");
    o.server_id = *parse_ipv4("192.168.77.1");
    dhcp::Message renew = renewal_request(lease(0), o.client, 1);
    renew.ciaddr = o.address;
    auto r = DhcpServer::answer(o, renew);  // RENEWING: ciaddr only
    REQUIRE(r);
    CHECK(r->type == dhcp::Ack);
    CHECK(r->lease_secs == dhcp::kInfiniteLease);  // the default
    CHECK(r->renew_secs == 0);
    o.lease_secs = 6;
    o.renew_secs = 2;
    o.rebind_secs = 4;
    r = DhcpServer::answer(o, renew);
    REQUIRE(r);
    CHECK(r->lease_secs == 6);
    CHECK(r->renew_secs == 2);
    CHECK(r->rebind_secs == 4);
    renew.ciaddr = *parse_ipv4("192.168.77.101");  // not its address any more
    r = DhcpServer::answer(o, renew);
    REQUIRE(r);
    CHECK(r->type == dhcp::Nak);
}

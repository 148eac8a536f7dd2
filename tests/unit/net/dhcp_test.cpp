// DHCP messages, our per-machine server's answers and the lease store.
#include <catch2/catch.hpp>

#include "net/dhcp_leases.h"
#include "net/dhcp_packet.h"
#include "net/dhcp_server.h"
#include "tests/test_support.h"
#include "util/inet.h"

using namespace env::net;
using env::inet::parse_cidr;
using env::inet::parse_ipv4;

namespace {
const dhcp::Mac kClient = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

DhcpOffer offer() {
    DhcpOffer o;
    o.link = "envvtest";
    o.client = kClient;
    o.address = *parse_ipv4("192.168.77.100");
    o.prefix = 24;
    o.server_id = *parse_ipv4("192.168.77.1");
    return o;
}

dhcp::Message request(uint8_t type) {
    dhcp::Message m;
    m.xid = 0x12345678;
    m.flags = 0x8000;
    m.chaddr = kClient;
    m.type = type;
    return m;
}
}  // namespace

TEST_CASE("a DHCP message survives encode, UDP framing and decode", "[net][dhcp]") {
    auto m = request(dhcp::Request);
    m.requested_ip = *parse_ipv4("10.1.2.3");
    m.server_id = *parse_ipv4("10.1.2.1");
    auto ip = dhcp::wrap_udp(0, 0xffffffff, 68, 67, dhcp::encode(m));
    CHECK_FALSE(dhcp::unwrap_udp(ip.data(), ip.size(), 68));  // another port
    auto payload = dhcp::unwrap_udp(ip.data(), ip.size(), 67);
    REQUIRE(payload);
    CHECK(payload->size() >= 300);  // BOOTP minimum
    auto back = dhcp::decode(payload->data(), payload->size());
    REQUIRE(back);
    CHECK(back->xid == m.xid);
    CHECK(back->flags == 0x8000);
    CHECK(back->chaddr == kClient);
    CHECK(back->type == dhcp::Request);
    CHECK(back->requested_ip == m.requested_ip);
    CHECK(back->server_id == m.server_id);
    // A valid IPv4 header checksum sums to 0xffff (RFC 1071).
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += uint32_t(ip[i]) << 8 | ip[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    CHECK(sum == 0xffff);
}

TEST_CASE("truncated or plain BOOTP messages are refused", "[net][dhcp]") {
    auto bytes = dhcp::encode(request(dhcp::Discover));
    CHECK_FALSE(dhcp::decode(bytes.data(), 200));
    bytes[240 + 2] = 0;  // the message type option's value: 0 is no DHCP type
    CHECK_FALSE(dhcp::decode(bytes.data(), bytes.size()));
    bytes = dhcp::encode(request(dhcp::Discover));
    bytes[241] = 200;  // an option running past the end
    CHECK_FALSE(dhcp::decode(bytes.data(), bytes.size()));
}

TEST_CASE("the machine's server offers and acknowledges its lease, to its MAC only",
          "[net][dhcp]") {
    auto o = offer();
    auto r = DhcpServer::answer(o, request(dhcp::Discover));
    REQUIRE(r);
    CHECK(r->type == dhcp::Offer);
    CHECK(r->op == 2);
    CHECK(r->yiaddr == o.address);
    CHECK(r->server_id == o.server_id);
    CHECK(r->subnet_mask == 0xffffff00);
    CHECK(r->xid == 0x12345678);

    auto req = request(dhcp::Request);
    req.requested_ip = o.address;
    req.server_id = o.server_id;
    r = DhcpServer::answer(o, req);
    REQUIRE(r);
    CHECK(r->type == dhcp::Ack);
    CHECK(r->lease_secs == 0xffffffff);

    req.requested_ip = *parse_ipv4("192.168.77.5");  // not its address
    r = DhcpServer::answer(o, req);
    REQUIRE(r);
    CHECK(r->type == dhcp::Nak);

    req.server_id = *parse_ipv4("192.168.77.2");  // chose another server's offer
    CHECK_FALSE(DhcpServer::answer(o, req));

    auto stranger = request(dhcp::Discover);
    stranger.chaddr[5] = 0x56;
    CHECK_FALSE(DhcpServer::answer(o, stranger));
}

TEST_CASE("leases are stable per MAC, skip reserved addresses and are released", "[net][dhcp]") {
    env::test::TempDir t;
    DhcpLeases leases(t / "dhcp/envbtest.json");
    auto subnet = *parse_cidr("192.168.77.0/24");
    std::set<uint32_t> reserved{*parse_ipv4("192.168.77.1"), *parse_ipv4("192.168.77.100")};
    auto a = leases.lease("02:00:00:00:00:01", subnet, reserved);
    REQUIRE(a);
    CHECK(*a == *parse_ipv4("192.168.77.101"));  // the pool starts at .100, which is static
    auto b = leases.lease("02:00:00:00:00:02", subnet, reserved);
    REQUIRE(b);
    CHECK(*b == *parse_ipv4("192.168.77.102"));
    CHECK(*leases.lease("02:00:00:00:00:01", subnet, reserved) == *a);  // the same again
    REQUIRE(leases.release("02:00:00:00:00:01"));
    CHECK(*leases.lease("02:00:00:00:00:03", subnet, reserved) == *a);  // free again

    auto tiny = *parse_cidr("10.9.9.0/30");  // .1 host, .2 the only machine address
    DhcpLeases small(t / "dhcp/small.json");
    CHECK(*small.lease("02:00:00:00:00:01", tiny, {tiny.network + 1}) == tiny.network + 2);
    auto full = small.lease("02:00:00:00:00:02", tiny, {tiny.network + 1});
    REQUIRE_FALSE(full);
    CHECK(full.error().what().find("no free address") != std::string::npos);
    REQUIRE(small.remove_all());
    CHECK_FALSE(env::sys::exists(t / "dhcp/small.json"));
}

// Port reservations hold the port they report, so nobody else can take it meanwhile.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "net/port_allocator.h"

using namespace env;
using namespace env::net;

TEST_CASE("a reserved port is held until released", "[net]") {
    auto r = reserve_port(Proto::Tcp);
    REQUIRE(r);
    CHECK(r->port() > 0);
    CHECK(r->held());
    // Held: neither another reservation nor an exact request gets it.
    auto same = reserve_exact_port(Proto::Tcp, "127.0.0.1", r->port());
    REQUIRE_FALSE(same);
    CHECK(same.error().kind() == ErrorKind::Busy);
    auto in_range = reserve_port(Proto::Tcp, "127.0.0.1", r->port(), r->port());
    REQUIRE_FALSE(in_range);
    CHECK(in_range.error().kind() == ErrorKind::Busy);
    int port = r->port();
    r->release();
    CHECK(reserve_exact_port(Proto::Tcp, "127.0.0.1", port));
}

TEST_CASE("range reservations skip busy ports and say when the range is full", "[net]") {
    auto first = reserve_port(Proto::Tcp);
    REQUIRE(first);
    int p = first->port();
    if (p >= 65535) {
        ENV_SKIP("the kernel picked the last port, no room for a range");
    }
    // p is busy (held); p+1 may be free or not: whatever we get must be in the range.
    auto next = reserve_port(Proto::Tcp, "127.0.0.1", p, p + 1);
    if (next) {
        CHECK(next->port() == p + 1);
    } else {
        CHECK(next.error().message().find(std::to_string(p) + ".." + std::to_string(p + 1)) !=
              std::string::npos);
    }
}

TEST_CASE("UDP and TCP reservations are separate", "[net]") {
    auto u = reserve_port(Proto::Udp);
    REQUIRE(u);
    CHECK(u->port() > 0);
    CHECK_FALSE(reserve_exact_port(Proto::Udp, "127.0.0.1", u->port()));
}

TEST_CASE("bad addresses and ranges are rejected", "[net]") {
    CHECK(reserve_port(Proto::Tcp, "not-an-ip").error().kind() == ErrorKind::Invalid);
    CHECK(reserve_port(Proto::Tcp, "127.0.0.1", 3000, 2000).error().kind() == ErrorKind::Invalid);
    CHECK(reserve_exact_port(Proto::Tcp, "127.0.0.1", 70000).error().kind() == ErrorKind::Invalid);
}

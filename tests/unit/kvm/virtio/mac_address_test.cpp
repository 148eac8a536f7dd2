#include <catch2/catch.hpp>

#include "providers/kvm/virtio/net/mac_address.h"

using namespace env::kvm::virtio;

TEST_CASE("derived MACs are stable, locally administered unicast, and differ per seed") {
    auto a = derive_mac("proj/web/0"), b = derive_mac("proj/web/1");
    CHECK(a == derive_mac("proj/web/0"));
    CHECK(a != b);
    CHECK(a[0] == 0x52);
    CHECK((a[0] & 1) == 0);
    CHECK(format_mac(a).size() == 17);
    CHECK(parse_mac(format_mac(a)).value() == a);
}

TEST_CASE("parse_mac refuses malformed and multicast addresses") {
    CHECK_FALSE(parse_mac("52:54:00:12:34"));
    CHECK_FALSE(parse_mac("52:54:00:12:34:56:78"));
    CHECK_FALSE(parse_mac("zz:54:00:12:34:56"));
    CHECK_FALSE(parse_mac("01:00:5e:00:00:01"));
    CHECK(parse_mac("52:54:00:AB:cd:01"));
}

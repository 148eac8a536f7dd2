// The strict value parsers: what they accept, and that near-misses are refused.
#include <catch2/catch.hpp>

#include "envfile/values.h"
#include "util/inet.h"

using namespace env::envfile;
using namespace env::inet;

TEST_CASE("sizes take binary units and plain MiB numbers like Vagrant", "[envfile]") {
    CHECK(parse_size("512M").value() == 512ull << 20);
    CHECK(parse_size("2G").value() == 2ull << 30);
    CHECK(parse_size("2GiB").value() == 2ull << 30);
    CHECK(parse_size("2gb").value() == 2ull << 30);
    CHECK(parse_size("1.5G").value() == 3ull << 29);
    CHECK(parse_size("1024").value() == 1024ull << 20);
    CHECK(parse_size("64K").value() == 64ull << 10);
    CHECK(parse_size("4096B").value() == 4096);
    for (auto bad : {"", "G", "2X", "2 G", "-1G", "1.G", "2GG", "1e3", "99999999999999T"}) {
        INFO(bad);
        CHECK(!parse_size(bad));
    }
}

TEST_CASE("percentages are 1..100 with or without the sign", "[envfile]") {
    CHECK(parse_percent("50%").value() == 50);
    CHECK(parse_percent("100").value() == 100);
    for (auto bad : {"0%", "101%", "50%%", "%", "05%", "half"}) {
        INFO(bad);
        CHECK(!parse_percent(bad));
    }
}

TEST_CASE("IPv4 addresses are exactly four decimal octets", "[envfile]") {
    CHECK(parse_ipv4("192.168.56.10").value() == 0xc0a8380a);
    CHECK(parse_ipv4("0.0.0.0").value() == 0);
    CHECK(format_ipv4(0xc0a8380a) == "192.168.56.10");
    for (auto bad : {"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "1.2.3.", "a.b.c.d",
                     "1.2.3.-4", " 1.2.3.4", "1.2.3.4/24", "1234.1.1.1"}) {
        INFO(bad);
        CHECK(!parse_ipv4(bad));
    }
    CHECK_THAT(parse_ipv4("256.1.1.1").error(), Catch::Contains("octet 256 is out of range"));
}

TEST_CASE("subnets are network addresses with a usable prefix", "[envfile]") {
    auto c = parse_cidr("192.168.56.0/24").value();
    CHECK(c.prefix == 24);
    CHECK(c.contains(parse_ipv4("192.168.56.200").value()));
    CHECK(!c.contains(parse_ipv4("192.168.57.1").value()));
    CHECK(format_ipv4(c.broadcast()) == "192.168.56.255");
    CHECK(parse_cidr("10.0.0.0/8"));
    for (auto bad : {"10.0.0/24", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/31",
                     "10.0.0.0/024", "10.0.0.1/24", "10.0.0.0/x"}) {
        INFO(bad);
        CHECK(!parse_cidr(bad));
    }
    CHECK_THAT(parse_cidr("10.0.0.1/24").error(), Catch::Contains("did you mean '10.0.0.0/24'?"));
}

TEST_CASE("MAC addresses are six hex octets and unicast", "[envfile]") {
    CHECK(parse_mac("52:54:00:AB:cd:01").value() == "52:54:00:ab:cd:01");
    for (auto bad : {"01:02:03", "52:54:00:ab:cd", "52-54-00-ab-cd-01", "52:54:00:ab:cd:0g",
                     "525:4:00:ab:cd:01", "01:00:5e:00:00:01"}) {
        INFO(bad);
        CHECK(!parse_mac(bad));
    }
}

TEST_CASE("machine names are DNS labels, hostnames may have several", "[envfile]") {
    CHECK(check_label("web-1"));
    CHECK(check_label(std::string(63, 'a')));
    for (auto bad : {"", "-web", "web-", "web_1", "Web", "web.1", "wéb"}) {
        INFO(bad);
        CHECK(!check_label(bad));
    }
    CHECK(!check_label(std::string(64, 'a')));
    CHECK(check_hostname("web1.lab.example"));
    CHECK(!check_hostname("web1..lab"));
    CHECK(!check_hostname("web1."));
}

TEST_CASE("boxes are a name with an optional version constraint", "[envfile]") {
    auto b = parse_box("debian-12@>=1.0,<2").value();
    CHECK(b.name == "debian-12");
    CHECK(b.constraint == ">=1.0,<2");
    CHECK(parse_box("debian/bookworm64").value().constraint.empty());
    CHECK(parse_box("d@~> 1.2").value().constraint == "~> 1.2");
    for (auto bad :
         {"@1.0", "debian-12@", "debian-12@>=one", "debian 12", "d@>=1..2", "d@1.", "d@>=1.0,"}) {
        INFO(bad);
        CHECK(!parse_box(bad));
    }
}

TEST_CASE("integers and booleans are strict", "[envfile]") {
    CHECK(parse_int("42").value() == 42);
    CHECK(parse_int("-7").value() == -7);
    CHECK(!parse_int("007"));
    CHECK(!parse_int("+1"));
    CHECK(!parse_int("1.0"));
    CHECK(!parse_int("99999999999999999999"));
    CHECK(parse_bool("yes").value());
    CHECK(!parse_bool("False").value());
    CHECK(!parse_bool("1"));
}

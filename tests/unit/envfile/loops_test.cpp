// for: loops: expansion order, names, addresses by arithmetic, cartesian products, and the
// errors that point back into the loop body.
#include <catch2/catch.hpp>

#include "envfile/load.h"

using namespace env;

namespace {
std::vector<std::string> names(const envfile::Envfile& e) {
    std::vector<std::string> out;
    for (auto& m : e.machines) out.push_back(m.name);
    return out;
}
const std::string lab =
    "networks:\n"
    "  lab: {type: host-only, subnet: 192.168.56.0/24}\n";
}  // namespace

TEST_CASE("a range loop makes one machine per value with computed addresses", "[envfile]") {
    auto r = envfile::load_string(lab +
                                      "machines:\n"
                                      "  web${i}:\n"
                                      "    for: {i: 1..3}\n"
                                      "    box: debian-12\n"
                                      "    hostname: web-${i}.lab\n"
                                      "    cpus: ${i}\n"
                                      "    networks:\n"
                                      "      - {network: lab, ip: \"192.168.56.${10 + i * 2}\"}\n"
                                      "    ports:\n"
                                      "      - {guest: 80, host: \"${8000 + i}\"}\n",
                                  "Envfile");
    INFO((r ? "" : r.error().message()));
    REQUIRE(r);
    CHECK(names(*r) == std::vector<std::string>{"web1", "web2", "web3"});
    auto& w3 = r->machines[2];
    CHECK(w3.hostname == "web-3.lab");
    CHECK(w3.cpus == 3);
    CHECK(w3.networks.at(0).ip == "192.168.56.16");
    CHECK(w3.ports.at(0).host == 8003);
}

TEST_CASE("several loop variables give the cartesian product in key order", "[envfile]") {
    auto r = envfile::load_string(
        "machines:\n"
        "  ${zone}-node${i}:\n"
        "    for:\n"
        "      zone: [east, west]\n"
        "      i: 1..2\n"
        "    box: debian-12\n"
        "  single:\n"
        "    box: debian-12\n",
        "Envfile");
    INFO((r ? "" : r.error().message()));
    REQUIRE(r);
    CHECK(names(*r) == std::vector<std::string>{"east-node1", "east-node2", "west-node1",
                                                "west-node2", "single"});
}

TEST_CASE("looped machines keep file order around unlooped ones", "[envfile]") {
    auto r = envfile::load_string(
        "machines:\n"
        "  db: {box: debian-12}\n"
        "  app${n}: {for: {n: 0..1}, box: debian-12}\n"
        "  proxy: {box: debian-12}\n",
        "Envfile");
    REQUIRE(r);
    CHECK(names(*r) == std::vector<std::string>{"db", "app0", "app1", "proxy"});
}

TEST_CASE("an unbound loop variable is reported at its line once per problem", "[envfile]") {
    auto r = envfile::load_string(lab +
                                      "machines:\n"             // 3
                                      "  web${i}:\n"            // 4
                                      "    for: {i: 1..3}\n"    // 5
                                      "    box: debian-12\n"    // 6
                                      "    hostname: h${k}\n",  // 7
                                  "lab/Envfile");
    REQUIRE(!r);
    CHECK(r.error().message() ==
          "lab/Envfile:7:15: loop variable 'k' is not bound (bound here: i)");
}

TEST_CASE("an error that depends on the iteration names the machine", "[envfile]") {
    auto r = envfile::load_string(lab +
                                      "machines:\n"                           // 3
                                      "  web${i}:\n"                          // 4
                                      "    for: {i: 1..3}\n"                  // 5
                                      "    box: debian-12\n"                  // 6
                                      "    networks:\n"                       // 7
                                      "      - network: lab\n"                // 8
                                      "        ip: 192.168.56.${253 + i}\n",  // 9: .254 is fine
                                  "Envfile");
    REQUIRE(!r);
    CHECK(r.error().message() ==
          "Envfile:9:13: ip 192.168.56.255 is the broadcast address of 'lab' (192.168.56.0/24) "
          "(in web2)\n"
          "Envfile:9:13: '192.168.56.256' is not an IPv4 address (octet 256 is out of range) "
          "(in web3)");
}

TEST_CASE("loop variables do not leak into the next machine", "[envfile]") {
    auto r = envfile::load_string(
        "machines:\n"
        "  web${i}: {for: {i: 1..2}, box: debian-12}\n"
        "  db:\n"
        "    box: debian-12\n"
        "    hostname: db${i}\n",
        "Envfile");
    REQUIRE(!r);
    CHECK_THAT(r.error().message(),
               Catch::StartsWith("Envfile:5:15: loop variable 'i' is not bound"));
}

TEST_CASE("a mistake in a loop body that does not depend on the iteration is reported once",
          "[envfile]") {
    auto r = envfile::load_string(lab +
                                      "machines:\n"                                      // 3
                                      "  web${i}:\n"                                     // 4
                                      "    for: {i: 1..3}\n"                             // 5
                                      "    box: debian-12\n"                             // 6
                                      "    memory: 2X\n"                                 // 7
                                      "    networks: [{network: lab, ip: 10.0.0.1}]\n",  // 8
                                  "Envfile");
    REQUIRE(!r);
    CHECK(r.error().message() ==
          "Envfile:7:13: 'memory': '2X' is not a size: unknown unit 'X' (write e.g. 512M, 2G or "
          "a number of MiB)\n"
          "Envfile:8:35: ip 10.0.0.1 is outside network 'lab' (192.168.56.0/24)");
}

TEST_CASE("a machine that is not a mapping gets one message, not follow-ups", "[envfile]") {
    auto r = envfile::load_string("machines:\n  web: debian-12\n", "Envfile");
    REQUIRE(!r);
    CHECK(r.error().message() ==
          "Envfile:2:8: 'web' must be a mapping of keys to values, not a string");
}

TEST_CASE("a broken network definition is reported once, not again by each machine", "[envfile]") {
    auto r = envfile::load_string(
        "networks:\n"
        "  lab: {type: host-only, subnet: 10.0.0/24}\n"
        "machines:\n"
        "  web${i}:\n"
        "    for: {i: 1..3}\n"
        "    box: debian-12\n"
        "    networks: [{network: lab, ip: \"10.0.0.${i + 1}\"}]\n",
        "Envfile");
    REQUIRE(!r);
    CHECK(r.error().message() ==
          "Envfile:2:34: subnet '10.0.0' is not an IPv4 address (needs 4 octets)");
}

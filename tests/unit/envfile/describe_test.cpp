// The summary and JSON the CLI prints for `env validate` and `--json`.
#include <catch2/catch.hpp>

#include "envfile/describe.h"
#include "envfile/load.h"

using namespace env;

namespace {
envfile::Envfile lab() {
    auto r = envfile::load_string(
        "networks:\n"
        "  lab: {type: host-only, subnet: 192.168.56.0/24, dhcp: true}\n"
        "machines:\n"
        "  lb:\n"
        "    box: debian-12@>=1.0\n"
        "    cpus: 2\n"
        "    memory: 1G\n"
        "    cpu_cap: 50%\n"
        "    networks: [{network: lab, ip: 192.168.56.10}]\n"
        "    ports: [{guest: 80, host: 8080}, {guest: 53, host: 5353, protocol: udp}]\n"
        "  web:\n"
        "    box: debian-12\n"
        "    provider: kvm\n"
        "    networks: [{network: lab, dhcp: true}]\n",
        "Envfile");
    INFO((r ? "" : r.error().message()));
    REQUIRE(r);
    return *r;
}
}  // namespace

TEST_CASE("describe prints one aligned line per machine", "[envfile]") {
    CHECK(envfile::describe(lab()) ==
          "lb   debian-12@>=1.0  container  2 cpus @50%  1G    lab 192.168.56.10  "
          "127.0.0.1:8080->80/tcp, 127.0.0.1:5353->53/udp\n"
          "web  debian-12        kvm        1 cpu        512M  lab dhcp           -\n");
}

TEST_CASE("to_json holds every machine with its settings", "[envfile]") {
    auto j = envfile::to_json(lab());
    REQUIRE(j["machines"].size() == 2);
    CHECK(j["machines"][0]["name"] == "lb");
    CHECK(j["machines"][0]["memory"] == 1ull << 30);
    CHECK(j["machines"][0]["box"]["constraint"] == ">=1.0");
    CHECK(j["machines"][0]["ports"][1]["protocol"] == "udp");
    CHECK(j["machines"][1]["networks"][0]["dhcp"] == true);
    CHECK(j["networks"]["lab"]["type"] == "host-only");
    CHECK(j["networks"]["lab"]["subnet"] == "192.168.56.0/24");
}

TEST_CASE("format_size writes the largest exact unit", "[envfile]") {
    CHECK(envfile::format_size(512ull << 20) == "512M");
    CHECK(envfile::format_size(2ull << 30) == "2G");
    CHECK(envfile::format_size(1536ull << 20) == "1536M");
    CHECK(envfile::format_size(1000) == "1000B");
}

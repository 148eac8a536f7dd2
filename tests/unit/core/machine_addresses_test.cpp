#include <catch2/catch.hpp>

#include "core/machine_addresses.h"
#include "test_support.h"
#include "util/sys.h"

using namespace env;

namespace {
// web: static on front and lan; db: DHCP on front and lan, NAT first (eth0), so its
// extra NICs are eth1 (front) and eth2 (lan).
Result<core::Project> lab(const std::string& dir) {
    TRY(sys::write_file_atomic(dir + "/Envfile", R"(networks:
  front: {type: host-only, subnet: 192.168.77.0/24, dhcp: true}
  lan: {type: bridged, interface: eth9, subnet: 192.168.78.0/24}
machines:
  web:
    box: b
    networks: [{network: front, ip: 192.168.77.10}, {network: lan, ip: 192.168.78.10}]
  db:
    box: b
    networks: [{network: front, dhcp: true}, {network: lan, dhcp: true}]
)"));
    return core::Project::open(dir + "/Envfile");
}
}  // namespace

TEST_CASE("a machine's addresses: static from the Envfile, leased from leases.json", "[core]") {
    test::TempDir t;
    auto p = lab(t.path);
    REQUIRE(p);
    auto* web = &p->envfile.machines[0];
    auto* db = &p->envfile.machines[1];
    auto w = core::machine_addresses(*p, *web);
    CHECK(w ==
          std::map<std::string, std::string>{{"front", "192.168.77.10"}, {"lan", "192.168.78.10"}});
    CHECK(core::describe_addresses(*web, w) == "192.168.77.10 (front), 192.168.78.10 (lan)");
    CHECK(core::machine_addresses(*p, *db).empty());  // no lease yet
    REQUIRE(sys::make_dirs(p->machine_dir("db")));
    REQUIRE(sys::write_file_atomic(p->machine_dir("db") + "/leases.json",
                                   R"({"eth2": "192.168.78.55"})"));
    auto d = core::machine_addresses(*p, *db);
    CHECK(d == std::map<std::string, std::string>{{"lan", "192.168.78.55"}});
    CHECK(core::describe_addresses(*db, d) == "192.168.78.55 (lan)");
}

// The networks step of core's up and destroy (core/project_networks.h) with the fake
// provider: the host side (bridge, subnet claim) is core's, the attachment is handed to the
// provider, and destroy releases what up made. Making a bridge needs root, unlike the rest
// of the pipeline tests (the refusal of a clashing subnet, which needs none, is in
// up_test.cpp).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/machine_ops.h"
#include "core/project_networks.h"
#include "lab.h"
#include "util/sys.h"

using namespace env;
using env::test::Lab;

TEST_CASE("up hands the provider its network attachment and destroy releases the bridge",
          "[pipeline][root]") {
    if (::geteuid() != 0) ENV_SKIP("needs root (up makes a bridge on the host)");
    Lab lab;
    auto p = lab.project(R"(
networks:
  lab: {type: host-only, subnet: 10.231.77.0/24}
machines:
  web:
    box: fakebox
    networks: [{network: lab, ip: 10.231.77.10}]
)");
    const auto& web = p.envfile.machines.at(0);
    // Whatever fails below, the bridge does not outlive the test.
    struct Destroy {
        const core::Project& p;
        const envfile::Machine& m;
        ~Destroy() { (void)core::destroy_machine(p, m, {}); }
    } destroy_at_end{p, web};
    auto r = core::up_machine(p, web, lab.up_options());
    INFO((r ? std::string("ok") : r.error().what()));
    REQUIRE(r);

    auto text = sys::read_file(fake::fake_dir(lab.machine_dir("web")) + "/machine.json");
    REQUIRE(text);
    auto nics = nlohmann::json::parse(*text)["attachments"];
    REQUIRE(nics.size() == 1);
    CHECK(nics[0]["network"] == "lab");
    CHECK(nics[0]["name"] == "eth1");
    CHECK(nics[0]["address"] == "10.231.77.10/24");
    CHECK(nics[0]["dhcp"] == false);
    CHECK(nics[0]["bridged"] == false);
    CHECK(nics[0]["index"] == 0);
    std::string bridge = nics[0]["link"];
    CHECK(sys::exists("/sys/class/net/" + bridge));
    CHECK(sys::read_file(core::network_claims_path()).value_or("").find(bridge) !=
          std::string::npos);

    REQUIRE(core::destroy_machine(p, web, {}));
    CHECK_FALSE(sys::exists("/sys/class/net/" + bridge));
    CHECK(sys::read_file(core::network_claims_path()).value_or("").find(bridge) ==
          std::string::npos);
}

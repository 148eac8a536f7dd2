// The examples under examples/ are what a new user runs first: they must always validate,
// and their shape is part of what later issues rely on.
#include <catch2/catch.hpp>

#include <filesystem>

#include "envfile/load.h"

using namespace env;

namespace {
envfile::Envfile load_example(const std::string& name) {
    auto r = envfile::load(std::string(ENV_SOURCE_DIR) + "/examples/" + name + "/Envfile");
    INFO((r ? std::string() : r.error().message()));
    REQUIRE(r);
    return *r;
}
}  // namespace

TEST_CASE("examples/single validates: one debian-12 machine, a port, an inline script",
          "[envfile]") {
    auto e = load_example("single");
    REQUIRE(e.machines.size() == 1);
    auto& m = e.machines[0];
    CHECK(m.box.name == "debian-12");
    REQUIRE(m.ports.size() == 1);
    CHECK(m.ports[0].host == 8080);
    CHECK(m.ports[0].guest == 80);
    REQUIRE(m.provision.size() == 1);
    CHECK(m.provision[0].kind == envfile::Provisioner::Kind::Shell);
    CHECK(!m.provision[0].inline_script.empty());
}

TEST_CASE("examples/loops validates: three nodes with computed addresses", "[envfile]") {
    auto e = load_example("loops");
    REQUIRE(e.machines.size() == 3);
    for (int i = 1; i <= 3; ++i) {
        auto& m = e.machines[i - 1];
        CHECK(m.name == "node" + std::to_string(i));
        REQUIRE(m.networks.size() == 1);
        CHECK(m.networks[0].ip == "192.168.60." + std::to_string(10 + i));
        CHECK(e.networks.at(m.networks[0].network).type == envfile::NetworkType::HostOnly);
    }
}

TEST_CASE("examples/haproxy-lab validates: web1..web3 then lb1, lb2, with real scripts", "[envfile]") {
    auto e = load_example("haproxy-lab");
    std::vector<std::string> names;
    for (auto& m : e.machines) names.push_back(m.name);
    // The web servers come up first, so the balancers' first health checks find them.
    CHECK(names == std::vector<std::string>{"web1", "web2", "web3", "lb1", "lb2"});
    CHECK(e.networks.at("lab").subnet == "192.168.56.0/24");
    CHECK(e.find("lb1")->ports.at(0).host == 8080);
    CHECK(e.find("web2")->networks.at(0).ip == "192.168.56.22");
    // Every script a provisioner names exists, is absolute and is executable.
    for (auto& m : e.machines)
        for (auto& p : m.provision)
            if (!p.path.empty()) {
                INFO(p.path);
                CHECK(p.path.front() == '/');
                auto perms = std::filesystem::status(p.path).permissions();
                CHECK((perms & std::filesystem::perms::owner_exec) != std::filesystem::perms::none);
            }
    // The project-wide provisioner runs first on every machine.
    for (auto& m : e.machines) CHECK(m.provision.at(0).name == "apt-update");
    auto& keepalived = e.find("lb2")->provision.at(2);
    CHECK(keepalived.env.at("PRIORITY") == "140");
    CHECK(keepalived.env.at("PEER_IP") == "192.168.56.11");
}

TEST_CASE("examples/busybox-lab validates: every network type, static and DHCP", "[envfile]") {
    auto e = load_example("busybox-lab");
    using T = envfile::NetworkType;
    CHECK(e.networks.at("front").type == T::HostOnly);
    CHECK(e.networks.at("front").dhcp);
    CHECK(e.networks.at("back").type == T::Internal);
    CHECK(e.networks.at("lan").type == T::Bridged);
    CHECK(e.networks.at("lan").interface == "labuplink0");
    auto* web = e.find("web");
    auto* db = e.find("db");
    REQUIRE(web);
    REQUIRE(db);
    CHECK(web->networks.size() == 3);
    CHECK(web->cpus == 1);
    CHECK(web->cpu_cap == 50);
    REQUIRE(db->networks.size() == 3);
    CHECK(db->networks[1].dhcp);  // front: our server
    CHECK(db->networks[2].dhcp);  // lan: the LAN's server
}

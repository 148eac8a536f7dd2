#include <catch2/catch.hpp>

#include <csignal>

#include "providers/container/supervisor_config.h"

using namespace env::container;

TEST_CASE("the supervisor config survives a JSON round trip", "[container]") {
    SupervisorConfig c;
    c.project = "p";
    c.machine = "m";
    c.hostname = "h";
    c.state_dir = "/s";
    c.lower_dir = "/b/rootfs";
    c.binds = {{"/src", "/env", false}, {"/ro", "/ro", true}};
    c.cgroup_name = "env-p-m";
    c.limits = {"0-1", 50000, 100000, 1 << 30, 4096};
    c.command = {"/bin/sh", "-c", "echo \"hi\""};
    c.env = {"PATH=/bin"};
    c.stop_signal = SIGRTMIN + 3;
    c.forwards = {{"127.0.0.1", 2222, 22, "tcp"}};
    c.capabilities = {0, 1, 2};
    auto back = config_from_json(to_json(c)).value();
    CHECK(back.binds.size() == 2);
    CHECK(back.binds[1].readonly);
    CHECK(back.limits.cpuset == "0-1");
    CHECK(back.limits.memory_bytes == 1u << 30);
    CHECK(back.command == c.command);
    CHECK(back.stop_signal == SIGRTMIN + 3);
    CHECK(back.forwards[0].host_port == 2222);
    CHECK(back.capabilities == c.capabilities);
    CHECK(back.no_new_privs);
}

TEST_CASE("a config with neither init nor command, or broken JSON, is refused", "[container]") {
    SupervisorConfig c;
    CHECK_FALSE(config_from_json(to_json(c)));
    CHECK_FALSE(config_from_json("{"));
    CHECK_FALSE(config_from_json("{}"));
}

TEST_CASE("stop signals are named as in docker's STOPSIGNAL", "[container]") {
    CHECK(parse_signal("SIGTERM").value() == SIGTERM);
    CHECK(parse_signal("TERM").value() == SIGTERM);
    CHECK(parse_signal("SIGRTMIN+3").value() == SIGRTMIN + 3);
    CHECK(parse_signal("9").value() == 9);
    CHECK(parse_signal("SIGPWR").value() == SIGPWR);
    CHECK_FALSE(parse_signal("SIGNOPE"));
    CHECK_FALSE(parse_signal("0"));
}

// destroy leaves nothing; a killed supervisor is reported and recovered; one machine, one up.
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "tests/e2e/container/e2e_project.h"

using namespace env::test;

namespace {

const char* kOneMachine = R"EF(machines:
  m:
    box: busybox
)EF";

std::string cgroup_name(const E2eProject& p) {
    auto text = env::sys::read_file(p.machine_dir("m") + "/state.json");
    REQUIRE(text);
    return nlohmann::json::parse(*text).value("cgroup", "");
}

// Every cgroup directory named `name` under /sys/fs/cgroup (v1 hierarchies and v2).
std::string cgroup_dirs(const std::string& name) {
    return run("find /sys/fs/cgroup -maxdepth 3 -type d -name '" + name + "'").out;
}

}  // namespace

TEST_CASE("destroy removes the process, mounts, cgroup, links and state", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p(kOneMachine);
    auto up = p.env("up");
    INFO(up.err);
    REQUIRE(up.status == 0);
    pid_t sup = supervisor_pid(p, "m");
    REQUIRE(sup > 0);
    std::string cg = cgroup_name(p);
    REQUIRE(!cg.empty());
    CHECK(!cgroup_dirs(cg).empty());
    auto links_before = run("ip -o link").out;

    auto d = p.env("destroy -f");
    INFO(d.err);
    REQUIRE(d.status == 0);
    CHECK(!alive(sup));
    CHECK(cgroup_dirs(cg).empty());
    auto mounts = env::sys::read_file("/proc/mounts").value_or("");
    CHECK(mounts.find(p.dir()) == std::string::npos);
    CHECK(!env::sys::exists(p.machine_dir("m")));
    CHECK(!env::sys::exists(p.dir() + "/.envstate"));
    CHECK(run("ip -o link").out == links_before);
    CHECK(run("ps -eo pid,args | grep -F '" + p.machine_dir("m") + "' | grep -v grep").out == "");
    CHECK(p.env("global-status").out.find(p.dir()) == std::string::npos);
    CHECK(p.env("status").out.find("not created") != std::string::npos);
}

TEST_CASE("a killed supervisor shows as crashed, up recovers it and destroy cleans up",
          "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p(kOneMachine);
    REQUIRE(p.env("up").status == 0);
    REQUIRE(p.ssh("m", "echo kept > /root/kept") == "");
    pid_t sup = supervisor_pid(p, "m");
    REQUIRE(sup > 0);
    REQUIRE(::kill(sup, SIGKILL) == 0);
    for (int i = 0; i < 100 && alive(sup); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto status = p.env("status");
    CHECK(status.out.find("crashed") != std::string::npos);

    auto up = p.env("up");
    INFO(up.err);
    REQUIRE(up.status == 0);
    CHECK(trim(p.ssh("m", "cat /root/kept")) == "kept");  // its files are intact
    std::string cg = cgroup_name(p);
    REQUIRE(p.env("destroy -f").status == 0);
    CHECK(cgroup_dirs(cg).empty());
    CHECK(!env::sys::exists(p.machine_dir("m")));
}

TEST_CASE("a second up on a machine being brought up exits 4 naming the first", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    // The first up holds the lock from its start to the end of provisioning (2 s here); the
    // second starts while it does.
    E2eProject p(R"EF(machines:
  m:
    box: busybox
    provision:
      - shell: sleep 2
)EF");
    auto r = p.shell(
        "(env_ up >/dev/null 2>&1 & first=$!; sleep 0.7; env_ up; rc=$?; "
        "wait $first; echo \"first=$? second=$rc\")");
    INFO(r.err);
    CHECK(r.out.find("first=0 second=4") != std::string::npos);
    CHECK(r.err.find("env up") != std::string::npos);
    CHECK(p.env("status").out.find("running") != std::string::npos);
}

// Started from cron or a service manager, env may get no stdin, stdout or stderr at all:
// its own files then take fds 0-2, which the supervisor's start must not confuse with the
// ones it hands over.
TEST_CASE("env up and destroy work with stdin, stdout and stderr closed", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p("machines:\n  m${i}:\n    for: {i: 1..2}\n    box: busybox\n");
    auto up = p.env("up <&- >&- 2>&-");
    REQUIRE(up.status == 0);
    CHECK(p.ssh("m1", "echo ok") == "ok\n");
    CHECK(p.ssh("m2", "echo ok") == "ok\n");
    CHECK(p.env("destroy -f <&- >&- 2>&-").status == 0);
    CHECK(p.env("status").out.find("not created") != std::string::npos);
}

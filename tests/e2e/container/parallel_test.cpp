// Several machines at once: up, halt, destroy of a small lab; one failure among them.
#include <nlohmann/json.hpp>

#include "tests/e2e/container/e2e_project.h"

using namespace env::test;

namespace {

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("four machines come up at once, sharing one box add, and destroy removes them all",
          "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    // `lab` is not installed: all four find it missing at once and must add it once.
    E2eProject p("machines:\n  m${i}:\n    for: {i: 1..4}\n    box: lab\n    box_url: " +
                 busybox_box() + "\n");
    auto up = p.env("up");
    INFO(up.err);
    REQUIRE(up.status == 0);
    for (auto m : {"m1", "m2", "m3", "m4"}) {
        CHECK(up.err.find(std::string(m) + ": running") != std::string::npos);
        CHECK(trim(p.ssh(m, "hostname")) == m);
    }
    CHECK(count(p.env("box list").out, "lab ") == 1);
    CHECK(count(p.env("status").out, "running") == 4);
    std::vector<pid_t> sups;
    for (auto m : {"m1", "m2", "m3", "m4"}) sups.push_back(supervisor_pid(p, m));

    // Serialised halt goes last first, as Vagrant's does (-f: the graceful stop is not the
    // point here).
    auto halt = p.env("halt -f --no-parallel");
    INFO(halt.err);
    REQUIRE(halt.status == 0);
    auto pos = [&](const char* m) { return halt.err.find(std::string(m) + ": halted"); };
    CHECK(pos("m4") < pos("m3"));
    CHECK(pos("m3") < pos("m2"));
    CHECK(pos("m2") < pos("m1"));
    CHECK(pos("m1") != std::string::npos);
    CHECK(count(p.env("status").out, "stopped") == 4);

    REQUIRE(p.env("up --no-provision").status == 0);
    for (auto m : {"m1", "m2", "m3", "m4"}) sups.push_back(supervisor_pid(p, m));
    auto destroy = p.env("destroy -f");
    INFO(destroy.err);
    REQUIRE(destroy.status == 0);
    CHECK(count(destroy.err, ": destroyed") == 4);
    for (pid_t s : sups) CHECK(!alive(s));
    CHECK(!env::sys::exists(p.dir() + "/.envstate"));
    auto mounts = env::sys::read_file("/proc/mounts").value_or("");
    CHECK(mounts.find(p.dir()) == std::string::npos);
    CHECK(run("ps -eo args | grep -F '" + p.dir() + "' | grep -v grep").out == "");
    CHECK(p.env("global-status").out.find(p.dir()) == std::string::npos);
}

TEST_CASE("one failing machine is named, the others still come up, the exit says it failed",
          "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p(R"EF(machines:
  ok${i}:
    for: {i: 1..2}
    box: busybox
  bad:
    box: busybox
    provision:
      - shell: {name: breaks, inline: "exit 3"}
)EF");
    auto up = p.env("up");
    INFO(up.err);
    CHECK(up.status == 3);  // a runtime failure (README: exit codes)
    CHECK(up.err.find("ok1: running") != std::string::npos);
    CHECK(up.err.find("ok2: running") != std::string::npos);
    CHECK(up.err.find("bad: failed: ") != std::string::npos);
    CHECK(up.err.find("env: bad: ") != std::string::npos);  // the summary line
    CHECK(up.err.find("'breaks' failed with exit status 3") != std::string::npos);
    CHECK(up.err.find("1 of 3 machines failed") != std::string::npos);
    CHECK(trim(p.ssh("ok2", "echo up")) == "up");

    // Provisioning them all again: the same failure, the others provisioned.
    auto prov = p.env("provision");
    CHECK(prov.status == 3);
    CHECK(count(prov.err, ": provisioned") == 2);
    REQUIRE(p.env("destroy -f").status == 0);
    CHECK(!env::sys::exists(p.dir() + "/.envstate"));
}

TEST_CASE("on a terminal each machine gets one live line, redrawn in place", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    if (run("command -v script").status != 0) {
        ENV_SKIP("script(1) from util-linux is needed to give env a terminal");
    }
    E2eProject p("machines:\n  t${i}:\n    for: {i: 1..2}\n    box: busybox\n");
    // script(1) runs env on a pseudo-terminal and copies what it draws to stdout.
    auto up = p.shell("script -qec '" + env_binary() + " up' /dev/null");
    INFO(up.out);
    REQUIRE(up.status == 0);
    CHECK(up.out.find("\x1b[2A\x1b[J") != std::string::npos);  // back up over both rows
    for (auto m : {"t1", "t2"}) {
        auto last = up.out.rfind(std::string("\x1b[2K") + m);
        REQUIRE(last != std::string::npos);
        CHECK(up.out.find("done", last) < up.out.find('\n', last));  // its final row
    }
    CHECK(up.out.find("t1: running") == std::string::npos);  // no plain lines
    REQUIRE(p.env("destroy -f").status == 0);
}

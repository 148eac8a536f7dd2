// Runner: which provisioners run (once/always/never, force, --provision-with), markers,
// and stopping at the first failure.
#include <catch2/catch.hpp>

#include "local_remote.h"
#include "provisioners/markers.h"
#include "provisioners/runner.h"
#include "test_support.h"
#include "tests/unit/ssh/fake_remote.h"

using namespace env;
using namespace env::provisioners;
using env::provisioners::test::CapturedConsole;
using env::ssh::test::FakeRemote;

namespace {

envfile::Provisioner step(const std::string& name, envfile::RunWhen run) {
    envfile::Provisioner p;
    p.name = name;
    p.inline_script = "echo " + name;
    p.privileged = false;
    p.run = run;
    return p;
}

envfile::Machine machine() {
    envfile::Machine m;
    m.name = "web1";
    m.provision = {step("base", envfile::RunWhen::Once), step("tick", envfile::RunWhen::Always),
                   step("manual", envfile::RunWhen::Never)};
    return m;
}

// The names of the steps that ran: each runs two execs (write the script, run it), and
// the second one names the temp file.
std::vector<std::string> ran(const FakeRemote& r) {
    std::vector<std::string> names;
    for (auto& c : r.stdin_seen)
        if (c.starts_with("echo ")) names.push_back(c.substr(5));
    return names;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("once runs once, always every time, never not at all, and force reruns once") {
    env::test::TempDir state;
    CapturedConsole cap;
    Runner runner(state.path, cap.console());
    auto m = machine();

    FakeRemote first("web1");
    auto report = runner.run(m, first);
    REQUIRE(report);
    CHECK(ran(first) == Names{"base", "tick"});
    REQUIRE(report->size() == 3);
    CHECK((*report)[2].outcome == Outcome::SkippedNever);
    CHECK(sys::exists(state / "provisioned/base.done"));
    CHECK(CapturedConsole::joined(cap.out).find("web1: running provisioner 'base' (shell)\n") !=
          std::string::npos);

    FakeRemote second("web1");
    report = runner.run(m, second);
    REQUIRE(report);
    CHECK(ran(second) == Names{"tick"});
    CHECK((*report)[0].outcome == Outcome::SkippedDone);

    FakeRemote forced("web1");
    REQUIRE(runner.run(m, forced, {.force = true}));
    CHECK(ran(forced) == Names{"base", "tick"});  // never stays skipped even when forced

    // The marker says when and what ran; an edited once-step is reported, not rerun.
    auto marker = Markers(state.path).read("base");
    REQUIRE(marker);
    CHECK(marker->hash == content_hash(m.provision[0]));
    CHECK(marker->finished.size() == 20);  // 2026-11-23T19:00:00Z
    m.provision[0].inline_script = "echo base v2";
    cap.out.clear();
    FakeRemote edited("web1");
    REQUIRE(runner.run(m, edited));
    CHECK(ran(edited) == Names{"tick"});
    CHECK(CapturedConsole::joined(cap.out).find("web1: provisioner 'base' changed since it ran") !=
          std::string::npos);
}

TEST_CASE("only (--provision-with) runs exactly the named steps, done or never") {
    env::test::TempDir state;
    CapturedConsole cap;
    Runner runner(state.path, cap.console());
    auto m = machine();
    FakeRemote first("web1");
    REQUIRE(runner.run(m, first));

    FakeRemote only("web1");
    auto report = runner.run(m, only, {.only = {"manual", "base"}});
    REQUIRE(report);
    CHECK(ran(only) == Names{"base", "manual"});  // in the machine's order
    CHECK((*report)[1].outcome == Outcome::SkippedNotSelected);

    FakeRemote unknown("web1");
    auto r = runner.run(m, unknown, {.only = {"base", "nope"}});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind() == ErrorKind::Usage);
    CHECK(r.error().message() ==
          "machine 'web1' has no provisioner named 'nope'; it has 'base', 'tick', 'manual'");
    CHECK(unknown.commands.empty());
}

TEST_CASE("a failing step stops the machine's provisioning and leaves no marker") {
    env::test::TempDir state;
    CapturedConsole cap;
    Runner runner(state.path, cap.console());
    auto m = machine();
    m.provision[1].run = envfile::RunWhen::Once;
    FakeRemote remote("web1");
    remote.reply({0, "", ""});               // base: write
    remote.reply({0, "base done\n", ""});    // base: run
    remote.reply({0, "", ""});               // tick: write
    remote.reply({5, "half\nway", "boom\n"});  // tick: run fails
    auto r = runner.run(m, remote, {.only = {"base", "tick", "manual"}});
    REQUIRE_FALSE(r);
    CHECK(r.error().message() ==
          "web1: provisioner 'tick' failed with exit status 5; last output:\n  half\n  boom\n  way");
    CHECK(ran(remote) == Names{"base", "tick"});  // manual never started
    CHECK(sys::exists(state / "provisioned/base.done"));
    CHECK_FALSE(sys::exists(state / "provisioned/tick.done"));

    // Names that are not file-name safe still get one marker each.
    Markers mk(state.path);
    CHECK(mk.path("shell #1") == state / "provisioned/shell%20%231.done");
    CHECK(mk.path("../x") == state / "provisioned/%2E.%2Fx.done");
}

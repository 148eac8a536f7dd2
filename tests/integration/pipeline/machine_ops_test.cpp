// core's halt, destroy, provision and status (core/machine_ops.h, core/machine_status.h)
// driven through the fake provider, without root, and what they leave in the global index.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <thread>

#include "core/machine_handle.h"
#include "core/machine_ops.h"
#include "core/machine_status.h"
#include "lab.h"
#include "ssh/session.h"
#include "state/machine_index.h"
#include "state/paths.h"
#include "util/sys.h"

using namespace env;
using env::test::Lab;
using provider::MachineState;

namespace {

constexpr const char* kTwo = R"(
defaults:
  box: fakebox
provision:
  - shell: {inline: "echo provisioned >> trace.log", name: trace}
machines:
  web: {}
  db: {}
)";

MachineState state_of(const core::Project& p, const envfile::Machine& m) {
    auto s = core::machine_status(p, m);
    REQUIRE(s);
    return s->state;
}

std::optional<state::IndexEntry> index_entry(const std::string& machine) {
    auto entries = state::MachineIndex(state::index_path()).load();
    REQUIRE(entries);
    for (auto& e : *entries)
        if (e.machine == machine) return e;
    return std::nullopt;
}

}  // namespace

TEST_CASE("status follows a machine: not created, running, crashed, stopped", "[pipeline]") {
    Lab lab;
    auto p = lab.project(kTwo);
    const auto& web = p.envfile.machines.at(0);
    auto s = core::machine_status(p, web);
    REQUIRE(s);
    CHECK(s->state == MachineState::NotCreated);
    CHECK(s->provider == "container");   // what up will use: the Envfile's default
    CHECK(lab.cloud().calls().empty());  // no record: the provider is not asked

    REQUIRE(core::up_machine(p, web, lab.up_options()));
    s = core::machine_status(p, web);
    REQUIRE(s);
    CHECK(s->state == MachineState::Running);
    CHECK(s->provider == "container");  // the record's, from now on

    lab.cloud().crash(lab.machine_dir("web"));
    s = core::machine_status(p, web);
    REQUIRE(s);
    CHECK(s->state == MachineState::Crashed);
    CHECK_FALSE(s->note.empty());

    REQUIRE(core::halt_machine(p, web, true, {}));
    CHECK(state_of(p, web) == MachineState::Stopped);
    CHECK(state_of(p, p.envfile.machines.at(1)) == MachineState::NotCreated);
}

TEST_CASE("halt stops the machine's SSH server and records it in the index", "[pipeline]") {
    Lab lab;
    auto p = lab.project(kTwo);
    const auto& web = p.envfile.machines.at(0);
    REQUIRE(core::up_machine(p, web, lab.up_options()));
    auto h = core::open_machine(p, web);
    REQUIRE(h);
    auto info = h->provider->ssh_info(h->context);
    REQUIRE(info);
    REQUIRE(index_entry("web")->state == "running");

    REQUIRE(core::halt_machine(p, web, false, {}));
    CHECK(state_of(p, web) == MachineState::Stopped);
    CHECK(index_entry("web")->state == "stopped");
    CHECK(lab.cloud().running() == 0);
    CHECK(lab.cloud().calls() == std::vector<std::string>{"up web", "halt web"});
    // Nobody answers at the old port any more.
    ssh::ConnectOptions o;
    o.machine = "web";
    o.port = info->port;
    o.user = info->user;
    o.identity_file = info->identity_file;
    o.host_public_key_file = info->known_hosts_file;
    o.attempt_timeout = std::chrono::milliseconds(2000);
    CHECK_FALSE(ssh::Session::connect(o));

    // A machine never created: halt asks no provider and changes nothing.
    REQUIRE(core::halt_machine(p, p.envfile.machines.at(1), false, {}));
    CHECK(lab.cloud().calls().size() == 2);
    CHECK_FALSE(index_entry("db"));
}

TEST_CASE("destroy removes the machine's state and its index entry, running or halted",
          "[pipeline]") {
    Lab lab;
    auto p = lab.project(kTwo);
    const auto& web = p.envfile.machines.at(0);
    const auto& db = p.envfile.machines.at(1);
    REQUIRE(core::up_machine(p, web, lab.up_options()));
    REQUIRE(core::up_machine(p, db, lab.up_options()));
    REQUIRE(core::halt_machine(p, db, false, {}));
    REQUIRE(index_entry("web"));
    REQUIRE(index_entry("db"));

    REQUIRE(core::destroy_machine(p, web, {}));
    CHECK_FALSE(sys::exists(lab.machine_dir("web")));
    CHECK_FALSE(sys::exists(p.state_dir + "/destroying-web"));
    CHECK_FALSE(index_entry("web"));
    CHECK(state_of(p, web) == MachineState::NotCreated);
    CHECK(lab.cloud().running() == 0);
    // The other machine is untouched.
    CHECK(state_of(p, db) == MachineState::Stopped);
    CHECK(index_entry("db")->state == "stopped");
    CHECK(sys::exists(p.state_dir));

    REQUIRE(core::destroy_machine(p, db, {}));
    CHECK_FALSE(index_entry("db"));
    CHECK_FALSE(sys::exists(p.state_dir));  // .envstate goes once the last machine has
    CHECK(lab.cloud().calls() ==
          std::vector<std::string>{"up web", "up db", "halt db", "destroy web", "destroy db"});

    // Destroying what does not exist is no error and asks no provider.
    REQUIRE(core::destroy_machine(p, web, {}));
    CHECK(lab.cloud().calls().size() == 5);

    // A destroyed machine comes up as new: its once steps run again.
    REQUIRE(core::up_machine(p, web, lab.up_options()));
    CHECK(lab.guest_file("web", "trace.log") == "provisioned\n");
}

TEST_CASE("provision reruns the steps on a running machine and refuses a stopped one",
          "[pipeline]") {
    Lab lab;
    auto p = lab.project(kTwo);
    const auto& web = p.envfile.machines.at(0);
    REQUIRE(core::up_machine(p, web, lab.up_options()));
    CHECK(lab.guest_file("web", "trace.log") == "provisioned\n");

    core::ProvisionOptions po{.console = &lab.console()};
    REQUIRE(core::provision_machine(p, web, po, {}));  // once and done: nothing
    CHECK(lab.guest_file("web", "trace.log") == "provisioned\n");
    po.force = true;  // env provision: every step again
    REQUIRE(core::provision_machine(p, web, po, {}));
    CHECK(lab.guest_file("web", "trace.log") == "provisioned\nprovisioned\n");

    REQUIRE(core::halt_machine(p, web, false, {}));
    auto r = core::provision_machine(p, web, po, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().message() == "machine web is stopped; `env up web` first");
}

TEST_CASE("a failing provisioner fails up with its output and leaves no marker", "[pipeline]") {
    Lab lab;
    auto p = lab.project(R"(
machines:
  web:
    box: fakebox
    provision:
      - shell: {inline: "echo first >> trace.log", name: first}
      - shell: {inline: "echo about to fail; exit 7", name: broken}
      - shell: {inline: "echo third >> trace.log", name: third}
)");
    const auto& web = p.envfile.machines.at(0);
    auto r = core::up_machine(p, web, lab.up_options());
    REQUIRE_FALSE(r);
    INFO(r.error().what());
    CHECK(r.error().message().find("broken") != std::string::npos);
    CHECK(r.error().what().find("7") != std::string::npos);
    CHECK(lab.console_text().find("web: about to fail") != std::string::npos);
    CHECK(lab.guest_file("web", "trace.log") == "first\n");
    CHECK(sys::exists(lab.machine_dir("web") + "/provisioned/first.done"));
    CHECK_FALSE(sys::exists(lab.machine_dir("web") + "/provisioned/broken.done"));
    // The machine itself is up; the next up retries the step that failed, not the first.
    CHECK(state_of(p, web) == MachineState::Running);
    REQUIRE(core::halt_machine(p, web, false, {}));
    r = core::up_machine(p, web, lab.up_options());
    CHECK_FALSE(r);
    CHECK(lab.guest_file("web", "trace.log") == "first\n");
}

// Issue 14: two `env destroy -f --wait` at once. The second read the machine's record before
// the first let go of the lock, then wrote its marker into a .envstate the first had removed
// ("open .../destroying-web.tmp...: No such file or directory", exit 3). It must find the
// machine gone and succeed.
TEST_CASE("two destroys that wait for each other both succeed", "[pipeline]") {
    Lab lab;
    auto p = lab.project(kTwo);
    const auto& web = p.envfile.machines.at(0);
    REQUIRE(core::up_machine(p, web, lab.up_options()));
    Result<> first, second;
    {
        // Both destroys read the record, then queue on the lock this test holds.
        auto lock = core::lock_machine(p, web.name, "test", false);
        REQUIRE(lock);
        std::optional<state::MachineLock> held(std::move(*lock));
        core::OpOptions wait;
        wait.wait = true;
        std::thread a([&] { first = core::destroy_machine(p, web, wait); });
        std::thread b([&] { second = core::destroy_machine(p, web, wait); });
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        held.reset();
        a.join();
        b.join();
    }
    INFO((first ? std::string() : first.error().message()));
    INFO((second ? std::string() : second.error().message()));
    CHECK(first);
    CHECK(second);
    CHECK_FALSE(sys::exists(lab.machine_dir("web")));
    CHECK(lab.cloud().calls() == std::vector<std::string>{"up web", "destroy web"});
}

// Issue 14: global-status said `running` after a machine's host process was killed, as the
// index recorded it. It now asks the provider, as `env status` does.
TEST_CASE("an indexed machine's live state agrees with status after a crash", "[pipeline]") {
    Lab lab;
    auto p = lab.project(kTwo);
    const auto& web = p.envfile.machines.at(0);
    REQUIRE(core::up_machine(p, web, lab.up_options()));
    auto entry = index_entry("web");
    REQUIRE(entry);
    auto live = core::indexed_machine_status(*entry);
    REQUIRE(live);
    CHECK(live->state == MachineState::Running);

    lab.cloud().crash(lab.machine_dir("web"));
    CHECK(index_entry("web")->state == "running");  // what the index last recorded
    live = core::indexed_machine_status(*entry);
    REQUIRE(live);
    CHECK(live->state == MachineState::Crashed);
    CHECK(live->state == state_of(p, web));
}

// core's up pipeline (core/up.h) driven through the fake provider, without root: box
// resolution, machine.json, the provider's up, the SSH wait against a real SSH server,
// provisioning (outside-in, `once` markers, `always`), the global index, and the ways up
// fails (provider error, SSH never answering, a machine dying while booting, no box).
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/machine_ops.h"
#include "core/machine_record.h"
#include "core/machine_status.h"
#include "lab.h"
#include "state/machine_index.h"
#include "state/paths.h"
#include "util/sys.h"

using namespace env;
using env::test::Lab;
using env::test::ms_since;
using Clock = std::chrono::steady_clock;

namespace {

// Project-wide steps first, then the machine's own; every step leaves a trace in the
// guest's filesystem (commands run in its root).
constexpr const char* kWeb = R"(
defaults:
  box: fakebox
provision:
  - shell: {inline: "echo project >> order.log", name: project-wide}
  - file: {source: files/motd, destination: /tmp/motd, name: motd}
machines:
  web:
    provision:
      - shell:
          path: scripts/setup.sh
          args: [two words]
          env: {ROLE: web}
          name: setup
      - shell: {inline: "echo always >> always.log", run: always, name: every-up}
      - shell: {inline: "echo never >> never.log", run: never, name: by-hand}
)";

void write_web_files(Lab& lab) {
    lab.project_file("scripts/setup.sh", "#!/bin/sh\necho \"setup $1 $ROLE\" >> order.log\n", 0755);
    lab.project_file("files/motd", "uploaded\n");
}

std::string what(const Result<core::UpResult>& r) {
    return r ? std::string("ok") : r.error().what();
}

std::string guest_log(Lab& lab, const std::string& machine) {
    return sys::read_file(fake::fake_dir(lab.machine_dir(machine)) + "/guest.log").value_or("");
}

std::vector<state::IndexEntry> index_entries() {
    auto e = state::MachineIndex(state::index_path()).load();
    REQUIRE(e);
    return *e;
}

}  // namespace

TEST_CASE("up brings a machine up end to end: box, record, SSH, provisioning outside-in",
          "[pipeline]") {
    Lab lab;
    write_web_files(lab);
    auto p = lab.project(kWeb);
    const auto& m = p.envfile.machines.at(0);

    auto r = core::up_machine(p, m, lab.up_options());
    INFO(what(r) << "\nconsole:\n" << lab.console_text() << "guest:\n" << guest_log(lab, "web"));
    REQUIRE(r);
    CHECK_FALSE(r->was_running);
    CHECK(lab.cloud().calls() == std::vector<std::string>{"up web"});

    auto rec = core::load_record(lab.machine_dir("web"));
    REQUIRE(rec);
    REQUIRE(rec->has_value());
    CHECK((*rec)->provider == "container");
    CHECK((*rec)->box == "fakebox");
    CHECK((*rec)->box_version == "1.0.0");
    CHECK((*rec)->box_dir == lab.home() + "/boxes/fakebox/1.0.0/container");

    // The guest started from the box's rootfs; provisioning ran in it, project-wide steps
    // first, `never` not at all, and the shell provisioner's temp scripts are gone again.
    CHECK(lab.guest_file("web", "etc/motd") == "from the box\n");
    CHECK(lab.guest_file("web", "order.log") == "project\nsetup two words web\n");
    CHECK(lab.guest_file("web", "tmp/motd") == "uploaded\n");
    CHECK(lab.guest_file("web", "always.log") == "always\n");
    CHECK_FALSE(sys::exists(lab.root("web") + "/never.log"));
    for (auto& f : sys::list_dir(lab.root("web") + "/tmp").value_or(std::vector<std::string>{}))
        CHECK(f.rfind("env-provision-", 0) == std::string::npos);

    std::string out = lab.console_text();
    size_t a = out.find("web: running provisioner 'project-wide' (shell)");
    size_t b = out.find("web: running provisioner 'motd' (file)");
    size_t c = out.find("web: running provisioner 'setup' (shell)");
    size_t d = out.find("web: running provisioner 'every-up' (shell)");
    CHECK(a != std::string::npos);
    CHECK(a < b);
    CHECK(b < c);
    CHECK(c < d);
    CHECK(d != std::string::npos);
    for (auto* step : {"project-wide", "motd", "setup", "every-up"})
        CHECK(sys::exists(lab.machine_dir("web") + "/provisioned/" + step + ".done"));
    CHECK_FALSE(sys::exists(lab.machine_dir("web") + "/provisioned/by-hand.done"));

    auto entries = index_entries();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].machine == "web");
    CHECK(entries[0].provider == "container");
    CHECK(entries[0].state == "running");
    CHECK(entries[0].project_dir == p.dir);
    CHECK(entries[0].box == "fakebox");

    auto st = core::machine_status(p, m);
    REQUIRE(st);
    CHECK(st->state == provider::MachineState::Running);
    CHECK(st->provider == "container");
}

TEST_CASE("once steps do not run again after halt and up, always steps do", "[pipeline]") {
    Lab lab;
    write_web_files(lab);
    auto p = lab.project(kWeb);
    const auto& m = p.envfile.machines.at(0);
    REQUIRE(core::up_machine(p, m, lab.up_options()));
    REQUIRE(core::halt_machine(p, m, false, {}));
    REQUIRE(core::machine_status(p, m)->state == provider::MachineState::Stopped);

    auto r = core::up_machine(p, m, lab.up_options());
    INFO(what(r) << "\nconsole:\n" << lab.console_text());
    REQUIRE(r);
    CHECK_FALSE(r->was_running);
    CHECK(lab.guest_file("web", "order.log") == "project\nsetup two words web\n");
    CHECK(lab.guest_file("web", "always.log") == "always\nalways\n");

    // Already running: nothing is provisioned unless asked.
    r = core::up_machine(p, m, lab.up_options());
    REQUIRE(r);
    CHECK(r->was_running);
    CHECK(lab.guest_file("web", "always.log") == "always\nalways\n");

    // --provision: every step that may run runs, `once` ones again; `never` still not.
    auto o = lab.up_options();
    o.provision = true;
    REQUIRE(core::up_machine(p, m, o));
    CHECK(lab.guest_file("web", "order.log") ==
          "project\nsetup two words web\nproject\nsetup two words web\n");
    CHECK(lab.guest_file("web", "always.log") == "always\nalways\nalways\n");
    CHECK_FALSE(sys::exists(lab.root("web") + "/never.log"));

    // --provision-with: exactly the named step, `never` or not.
    o = lab.up_options();
    o.provision_with = {"by-hand"};
    REQUIRE(core::up_machine(p, m, o));
    CHECK(lab.guest_file("web", "never.log") == "never\n");
    CHECK(lab.guest_file("web", "always.log") == "always\nalways\nalways\n");
    // The provider was asked to start the machine only when it was not running.
    CHECK(lab.cloud().calls() == std::vector<std::string>{"up web", "halt web", "up web"});
}

TEST_CASE("up recovers a crashed machine without rerunning its once steps", "[pipeline]") {
    Lab lab;
    write_web_files(lab);
    auto p = lab.project(kWeb);
    const auto& m = p.envfile.machines.at(0);
    REQUIRE(core::up_machine(p, m, lab.up_options()));
    lab.cloud().crash(lab.machine_dir("web"));
    REQUIRE(core::machine_status(p, m)->state == provider::MachineState::Crashed);

    auto r = core::up_machine(p, m, lab.up_options());
    INFO(what(r));
    REQUIRE(r);
    CHECK_FALSE(r->was_running);
    CHECK(core::machine_status(p, m)->state == provider::MachineState::Running);
    CHECK(lab.guest_file("web", "order.log") == "project\nsetup two words web\n");
    CHECK(lab.guest_file("web", "always.log") == "always\nalways\n");
    CHECK(index_entries().at(0).state == "running");
}

TEST_CASE("up waits for an SSH server that starts late", "[pipeline]") {
    Lab lab;
    auto p = lab.project("machines:\n  web: {box: fakebox, boot_timeout: 30}\n");
    lab.cloud().set_faults("web", {.boot_delay = std::chrono::milliseconds(800)});
    auto r = core::up_machine(p, p.envfile.machines.at(0), lab.up_options());
    INFO(what(r));
    REQUIRE(r);
    CHECK(r->ssh_ms >= 800);
}

TEST_CASE("up gives up at boot_timeout when SSH never answers, showing the console", "[pipeline]") {
    Lab lab;
    write_web_files(lab);
    std::string envfile = kWeb;
    envfile.replace(envfile.find("box: fakebox"), 12, "box: fakebox\n  boot_timeout: 2");
    auto p = lab.project(envfile);
    const auto& m = p.envfile.machines.at(0);
    REQUIRE(m.boot_timeout == 2);
    lab.cloud().set_faults("web", {.ssh_never_answers = true});
    auto start = Clock::now();
    auto r = core::up_machine(p, m, lab.up_options());
    long took = ms_since(start);
    REQUIRE_FALSE(r);
    INFO(r.error().what() << "\ntook " << took << " ms");
    CHECK(r.error().kind() == ErrorKind::Network);
    CHECK(r.error().message().find("SSH did not answer within 2 s (boot_timeout)") !=
          std::string::npos);
    CHECK(r.error().message().find("fake: boot 1: the SSH server did not start") !=
          std::string::npos);
    CHECK(took >= 2000);
    CHECK(took < 8000);
    // Nothing was provisioned; the index knows the machine, which is running (only its SSH
    // server is not).
    CHECK_FALSE(sys::exists(lab.root("web") + "/order.log"));
    CHECK_FALSE(sys::exists(lab.machine_dir("web") + "/provisioned"));
    CHECK(index_entries().at(0).state == "running");
}

TEST_CASE("a machine that dies while booting ends the SSH wait at once", "[pipeline]") {
    Lab lab;
    auto p = lab.project("machines:\n  web: {box: fakebox, boot_timeout: 60}\n");
    lab.cloud().set_faults("web", {.crash_after_up = true});
    auto start = Clock::now();
    auto r = core::up_machine(p, p.envfile.machines.at(0), lab.up_options());
    long took = ms_since(start);
    REQUIRE_FALSE(r);
    INFO(r.error().what() << "\ntook " << took << " ms");
    CHECK(r.error().kind() == ErrorKind::Provider);
    CHECK(r.error().message().find("machine web is crashed (it stopped while waiting for SSH)") !=
          std::string::npos);
    CHECK(r.error().message().find("fake: the machine crashed") != std::string::npos);
    CHECK(took < 10000);  // far from the 60 s boot_timeout
    CHECK(index_entries().at(0).state == "crashed");
}

TEST_CASE("a provider that fails up leaves no running machine and says why", "[pipeline]") {
    Lab lab;
    auto p = lab.project("machines:\n  web: {box: fakebox}\n");
    lab.cloud().set_faults("web", {.up_fails = "no capacity left"});
    auto r = core::up_machine(p, p.envfile.machines.at(0), lab.up_options());
    REQUIRE_FALSE(r);
    CHECK(r.error().kind() == ErrorKind::Provider);
    CHECK(r.error().message() == "fake: no capacity left");
    CHECK(lab.cloud().running() == 0);
    // The record was made before the provider was asked, so the machine is known (to
    // destroy it) but not created as far as its provider is concerned.
    auto st = core::machine_status(p, p.envfile.machines.at(0));
    REQUIRE(st);
    CHECK(st->state == provider::MachineState::NotCreated);
    auto entries = index_entries();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].state == "not created");
}

TEST_CASE("up with a box that is not installed creates nothing", "[pipeline]") {
    Lab lab;
    auto p = lab.project("machines:\n  web: {box: nosuchbox}\n");
    auto r = core::up_machine(p, p.envfile.machines.at(0), lab.up_options());
    REQUIRE_FALSE(r);
    INFO(r.error().what());
    CHECK(r.error().kind() == ErrorKind::NotFound);
    CHECK(r.error().message().find("nosuchbox") != std::string::npos);
    CHECK(lab.cloud().calls().empty());
    CHECK_FALSE(sys::exists(lab.machine_dir("web") + "/machine.json"));
    CHECK(index_entries().empty());
}

TEST_CASE("up refuses a network whose subnet another project holds, before anything exists",
          "[pipeline]") {
    Lab lab;
    // Another project's claim (net/host_network.h), as its up would have written it.
    REQUIRE(sys::make_dirs(lab.home()));
    REQUIRE(sys::write_file_atomic(
        lab.home() + "/networks.json",
        R"({"networks":[{"bridge":"envb00000000","project_dir":"/elsewhere","network":"lan",)"
        R"("subnet":"192.168.0.0/16"}]})"));
    auto p = lab.project(R"(
networks:
  lab: {type: host-only, subnet: 192.168.77.0/24}
machines:
  web:
    box: fakebox
    networks: [{network: lab, ip: 192.168.77.10}]
)");
    auto r = core::up_machine(p, p.envfile.machines.at(0), lab.up_options());
    REQUIRE_FALSE(r);
    INFO(r.error().what());
    CHECK(r.error().kind() == ErrorKind::Invalid);
    CHECK(r.error().message().find("overlaps network 'lan' (192.168.0.0/16) of the project in "
                                   "/elsewhere") != std::string::npos);
    CHECK(lab.cloud().calls().empty());
    CHECK_FALSE(sys::exists(lab.machine_dir("web") + "/machine.json"));
    CHECK_FALSE(sys::exists(p.state_dir + "/networks/web.json"));  // no half-made set
}

// Issue 14: `env up` killed after the machine started but before its provisioners ran; the
// next up found it running, said so, and never provisioned. up keeps a provision-pending
// marker from before the start until its provisioners have run; the next up finishes the job.
TEST_CASE("an up interrupted before provisioning is finished by the next up", "[pipeline]") {
    Lab lab;
    write_web_files(lab);
    auto p = lab.project(kWeb);
    const auto& m = p.envfile.machines.at(0);
    const std::string pending = lab.machine_dir("web") + "/provision-pending";

    // --no-provision: running, nothing provisioned, nothing pending: a plain up leaves it.
    auto o = lab.up_options();
    o.provision = false;
    REQUIRE(core::up_machine(p, m, o));
    CHECK_FALSE(sys::exists(pending));
    REQUIRE(core::up_machine(p, m, lab.up_options()));
    CHECK_FALSE(sys::exists(lab.root("web") + "/order.log"));

    // What an up killed between the start and the provisioners leaves behind.
    REQUIRE(sys::write_file_atomic(pending, ""));
    auto r = core::up_machine(p, m, lab.up_options());
    INFO(what(r) << "\nconsole:\n" << lab.console_text());
    REQUIRE(r);
    CHECK(r->was_running);
    CHECK(lab.guest_file("web", "order.log") == "project\nsetup two words web\n");
    CHECK_FALSE(sys::exists(pending));

    // Done: the next up on the running machine provisions nothing.
    REQUIRE(core::up_machine(p, m, lab.up_options()));
    CHECK(lab.guest_file("web", "always.log") == "always\n");
    CHECK(lab.cloud().calls() == std::vector<std::string>{"up web"});
}

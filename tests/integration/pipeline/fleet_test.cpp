// Several machines brought up at once, as `env up` does (cli/machine_jobs.h over
// core/fleet.h), through the fake provider: the machines that can come up do, side by side;
// each failed machine gets its own line, and the exit code is the first failure's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <mutex>

#include "cli/machine_jobs.h"
#include "core/machine_status.h"
#include "lab.h"
#include "state/machine_index.h"
#include "state/paths.h"
#include "util/sys.h"

using namespace env;
using env::test::Lab;

namespace {

constexpr const char* kFleet = R"(
defaults:
  box: fakebox
  boot_timeout: 30
provision:
  - shell: {inline: "echo provisioned >> trace.log", name: trace}
machines:
  web1: {}
  web2: {box: nosuchbox}
  web3: {}
  web4: {}
  web5: {boot_timeout: 1}
)";

// How many jobs were inside up_machine at once.
struct Overlap {
    std::mutex mu;
    int now = 0, max = 0;
    void enter() {
        std::lock_guard l(mu);
        max = std::max(max, ++now);
    }
    void leave() {
        std::lock_guard l(mu);
        --now;
    }
};

size_t line_of(const std::string& text, const std::string& prefix) {
    size_t pos = text.find("\n" + prefix);
    if (pos != std::string::npos) return pos + 1;
    return text.rfind(prefix, 0) == 0 ? 0 : std::string::npos;
}

}  // namespace

TEST_CASE(
    "a fleet comes up in parallel, each failed machine gets its line, the first failure "
    "gives the exit code",
    "[pipeline]") {
    Lab lab;
    auto p = lab.project(kFleet);
    using std::chrono::milliseconds;
    lab.cloud().set_faults("web1", {.boot_delay = milliseconds(1000)});
    lab.cloud().set_faults("web3", {.up_fails = "no capacity left"});
    lab.cloud().set_faults("web4", {.boot_delay = milliseconds(1000)});
    lab.cloud().set_faults("web5", {.ssh_never_answers = true});
    std::vector<const envfile::Machine*> machines;
    for (auto& m : p.envfile.machines) machines.push_back(&m);

    Overlap overlap;
    int code = -1;
    std::string err;
    {
        test::CapturedStderr captured;
        code =
            cli::run_machine_jobs(machines, false,
                                  [&](const envfile::Machine& m, const core::StepFn& step,
                                      const provisioners::Console& console) -> Result<std::string> {
                                      auto o = lab.up_options();
                                      o.on_step = step;
                                      o.console = &console;
                                      overlap.enter();
                                      auto r = core::up_machine(p, m, o);
                                      overlap.leave();
                                      if (!r) return std::unexpected(r.error());
                                      return std::string("running");
                                  });
        captured.restore();
        err = captured.text();
    }
    INFO("stderr:\n" << err);

    // web2's box is missing (NotFound, 5) and comes first; web3 (provider) and web5 (SSH
    // timeout) would have exited 3.
    CHECK(code == exit_code::not_found);
    size_t l2 = line_of(err, "env: web2: ");
    size_t l3 = line_of(err, "env: web3: fake: no capacity left");
    size_t l5 = line_of(err, "env: web5: machine web5: SSH did not answer within 1 s");
    REQUIRE(l2 != std::string::npos);
    REQUIRE(l3 != std::string::npos);
    REQUIRE(l5 != std::string::npos);
    CHECK(l2 < l3);
    CHECK(l3 < l5);
    CHECK(err.find("nosuchbox", l2) < l3);
    CHECK(line_of(err, "env: web1: ") == std::string::npos);
    CHECK(line_of(err, "env: web4: ") == std::string::npos);
    CHECK(err.find("env: 3 of 5 machines failed") != std::string::npos);

    // The slow ones were brought up side by side, not one after the other.
    CHECK(overlap.max >= 3);
    for (auto* name : {"web1", "web4"}) {
        CHECK(lab.guest_file(name, "trace.log") == "provisioned\n");
        auto st = core::machine_status(p, *p.select({name})->at(0));
        REQUIRE(st);
        CHECK(st->state == provider::MachineState::Running);
    }
    CHECK_FALSE(sys::exists(lab.root("web5") + "/trace.log"));

    // The index has every machine that has a record, each in its state.
    auto entries = state::MachineIndex(state::index_path()).load();
    REQUIRE(entries);
    std::map<std::string, std::string> states;
    for (auto& e : *entries) states[e.machine] = e.state;
    CHECK(states == std::map<std::string, std::string>{{"web1", "running"},
                                                       {"web3", "not created"},
                                                       {"web4", "running"},
                                                       {"web5", "running"}});
}

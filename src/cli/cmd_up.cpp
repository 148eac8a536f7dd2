// env up [machines|/regex/]: create or start machines, wait for SSH, provision; several at once.
#include <cstdio>

#include "cli/commands.h"
#include "cli/machine_jobs.h"
#include "cli/machine_select.h"
#include "core/up.h"
#include "util/status_board.h"

namespace env::cli {
namespace {

class UpCommand : public Command {
public:
    std::string name() const override { return "up"; }
    std::string summary() const override {
        return "create and start machines, wait for SSH, provision them";
    }
    void setup(CLI::App& app) override {
        app.add_option("machines", targets_, "machine names or /regex/ (default: all autostart)");
        app.add_option("--provider", provider_, "provider for machines not created yet");
        app.add_flag("--provision", provision_, "run every provisioner, `once` ones again");
        app.add_flag("--no-provision", no_provision_, "run no provisioner");
        app.add_option("--provision-with", with_, "run only these provisioners (a,b)")
            ->allow_extra_args(false)
            ->delimiter(',');
        app.add_flag("--wait", wait_, "wait for a machine held by another command");
        add_parallel_flag(app, no_parallel_);
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        auto machines = TRY(up_targets(*p, targets_));
        core::UpOptions o;
        o.provider = provider_;
        o.provision_with = with_;
        o.wait = wait_;
        o.command_line = ctx.command_line;
        if (provision_ && no_provision_)
            return fail(ErrorKind::Usage, "--provision and --no-provision contradict each other");
        if (provision_) o.provision = true;
        if (no_provision_) o.provision = false;
        o.steps_redrawn = status_board_is_live(machines.size());  // run_machine_jobs's board
        return run_machine_jobs(machines, no_parallel_,
                                [&](const envfile::Machine& m, const core::StepFn& step,
                                    const provisioners::Console& console) -> Result<std::string> {
                                    core::UpOptions mine = o;
                                    mine.on_step = step;
                                    mine.console = &console;
                                    auto r = TRY(core::up_machine(*p, m, mine));
                                    if (r.was_running) return std::string("already running");
                                    char text[64];
                                    std::snprintf(text, sizeof text,
                                                  "running (SSH ready in %.1f s)",
                                                  r.ssh_ms / 1000.0);
                                    return std::string(text);
                                });
    }

private:
    std::vector<std::string> targets_, with_;
    std::string provider_;
    bool provision_ = false, no_provision_ = false;
    bool wait_ = false, no_parallel_ = false;
};

}  // namespace

std::unique_ptr<Command> make_up_command() {
    return std::make_unique<UpCommand>();
}

}  // namespace env::cli

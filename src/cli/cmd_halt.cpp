// env halt [machines] [-f]: stop machines, last first (as Vagrant does); several at once.
#include <algorithm>

#include "cli/commands.h"
#include "cli/machine_jobs.h"
#include "core/machine_ops.h"

namespace env::cli {
namespace {

class HaltCommand : public Command {
public:
    std::string name() const override { return "halt"; }
    std::string summary() const override { return "stop machines (keeps them)"; }
    void setup(CLI::App& app) override {
        app.add_option("machines", targets_, "machine names or /regex/ (default: all)");
        app.add_flag("-f,--force", force_, "kill at once instead of a graceful stop");
        app.add_flag("--wait", wait_, "wait for a machine held by another command");
        add_parallel_flag(app, no_parallel_);
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        auto machines = TRY(p->select(targets_));
        std::reverse(machines.begin(), machines.end());
        return run_machine_jobs(
            machines, no_parallel_,
            [&](const envfile::Machine& m, const core::StepFn& step,
                const provisioners::Console&) -> Result<std::string> {
                step(force_ ? "killing" : "stopping");
                TRY(core::halt_machine(*p, m, force_, {ctx.command_line, wait_}));
                return std::string("halted");
            });
    }

private:
    std::vector<std::string> targets_;
    bool force_ = false, wait_ = false, no_parallel_ = false;
};

}  // namespace

std::unique_ptr<Command> make_halt_command() {
    return std::make_unique<HaltCommand>();
}

}  // namespace env::cli

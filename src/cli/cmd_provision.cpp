// env provision [machines] [--provision-with a,b]: run provisioners on running machines,
// several at once.
#include "cli/commands.h"
#include "cli/machine_jobs.h"
#include "core/machine_ops.h"

namespace env::cli {
namespace {

class ProvisionCommand : public Command {
public:
    std::string name() const override { return "provision"; }
    std::string summary() const override { return "run provisioners again on running machines"; }
    void setup(CLI::App& app) override {
        app.add_option("machines", targets_, "machine names or /regex/ (default: all)");
        app.add_option("--provision-with", with_, "run only these provisioners (a,b)")
            ->allow_extra_args(false)
            ->delimiter(',');
        app.add_flag("--wait", wait_, "wait for a machine held by another command");
        add_parallel_flag(app, no_parallel_);
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        auto machines = TRY(p->select(targets_));
        return run_machine_jobs(machines, no_parallel_,
                                [&](const envfile::Machine& m, const core::StepFn& step,
                                    const provisioners::Console& console) -> Result<std::string> {
                                    step("provisioning");
                                    TRY(core::provision_machine(
                                        *p, m, {.force = true, .only = with_, .console = &console},
                                        {ctx.command_line, wait_}));
                                    return std::string("provisioned");
                                });
    }

private:
    std::vector<std::string> targets_, with_;
    bool wait_ = false, no_parallel_ = false;
};

}  // namespace

std::unique_ptr<Command> make_provision_command() {
    return std::make_unique<ProvisionCommand>();
}

}  // namespace env::cli

// env reload [machines] [--provision]: halt and up again (the Envfile's changes apply).
#include <cstdio>

#include "cli/commands.h"
#include "core/machine_ops.h"
#include "core/up.h"

namespace env::cli {
namespace {

class ReloadCommand : public Command {
public:
    std::string name() const override { return "reload"; }
    std::string summary() const override { return "halt and start machines again"; }
    void setup(CLI::App& app) override {
        app.add_option("machines", targets_, "machine names or /regex/ (default: all)");
        app.add_flag("--provision", provision_, "run every provisioner, `once` ones again");
        app.add_flag("--no-provision", no_provision_, "run no provisioner");
        app.add_option("--provision-with", with_, "run only these provisioners (a,b)")
            ->allow_extra_args(false)
            ->delimiter(',');
        app.add_flag("--wait", wait_, "wait for a machine held by another command");
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        auto machines = TRY(p->select(targets_));
        core::UpOptions o;
        o.provision_with = with_;
        o.wait = wait_;
        o.command_line = ctx.command_line;
        if (provision_ && no_provision_)
            return fail(ErrorKind::Usage, "--provision and --no-provision contradict each other");
        if (provision_) o.provision = true;
        if (no_provision_) o.provision = false;
        for (auto* m : machines) {
            TRY(core::halt_machine(*p, *m, false, {ctx.command_line, wait_}));
            auto r = TRY(core::up_machine(*p, *m, o));
            std::fprintf(stderr, "%s: reloaded (SSH ready in %.1f s)\n", m->name.c_str(),
                         r.ssh_ms / 1000.0);
        }
        return 0;
    }

private:
    std::vector<std::string> targets_, with_;
    bool provision_ = false, no_provision_ = false;
    bool wait_ = false;
};

}  // namespace

std::unique_ptr<Command> make_reload_command() {
    return std::make_unique<ReloadCommand>();
}

}  // namespace env::cli

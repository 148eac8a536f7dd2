// env destroy [machines] [-f]: remove machines and everything they have on the host; asks
// about each first (on a terminal), then destroys the confirmed ones, several at once.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/machine_jobs.h"
#include "core/machine_ops.h"

namespace env::cli {
namespace {

class DestroyCommand : public Command {
public:
    std::string name() const override { return "destroy"; }
    std::string summary() const override {
        return "remove machines: process, mounts, cgroup, links and state files";
    }
    void setup(CLI::App& app) override {
        app.add_option("machines", targets_, "machine names or /regex/ (default: all)");
        app.add_flag("-f,--force", force_, "do not ask");
        app.add_flag("--wait", wait_, "wait for a machine held by another command");
        add_parallel_flag(app, no_parallel_);
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        auto machines = TRY(p->select(targets_));
        std::reverse(machines.begin(), machines.end());
        std::vector<const envfile::Machine*> doomed;
        for (auto* m : machines) {
            if (!force_) {
                if (!::isatty(0))
                    return fail(ErrorKind::Usage,
                                "destroy asks for confirmation on a terminal; use -f to "
                                "destroy without asking");
                std::fprintf(stderr, "Destroy machine %s and all its data? [y/N] ",
                             m->name.c_str());
                std::string answer;
                if (!std::getline(std::cin, answer) ||
                    (answer != "y" && answer != "Y" && answer != "yes")) {
                    std::fprintf(stderr, "%s: kept\n", m->name.c_str());
                    continue;
                }
            }
            doomed.push_back(m);
        }
        return run_machine_jobs(doomed, no_parallel_,
                                [&](const envfile::Machine& m, const core::StepFn& step,
                                    const provisioners::Console&) -> Result<std::string> {
                                    step("destroying");
                                    TRY(core::destroy_machine(*p, m, {ctx.command_line, wait_}));
                                    return std::string("destroyed");
                                });
    }

private:
    std::vector<std::string> targets_;
    bool force_ = false, wait_ = false, no_parallel_ = false;
};

}  // namespace

std::unique_ptr<Command> make_destroy_command() {
    return std::make_unique<DestroyCommand>();
}

}  // namespace env::cli

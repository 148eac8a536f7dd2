// env global-status [--prune]: machines of every project on this host, from the index in
// $ENV_HOME, each with its live state asked of its provider (as `env status` does; the
// index's recorded state goes stale when a machine or an `env up` is killed). --prune
// forgets entries whose project or machine no longer exists.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/table.h"
#include "core/machine_status.h"
#include "state/machine_index.h"
#include "state/paths.h"

namespace env::cli {
namespace {

class GlobalStatusCommand : public Command {
public:
    std::string name() const override { return "global-status"; }
    std::string summary() const override { return "show machines of every project on this host"; }
    void setup(CLI::App& app) override {
        app.add_flag("--prune", prune_, "forget machines whose project or state is gone");
    }
    Result<int> run(Context& ctx) override {
        state::MachineIndex index(state::index_path());
        if (prune_) {
            auto gone = TRY(index.prune());
            for (auto& e : gone)
                std::fprintf(stderr, "pruned %s (%s)\n", e.machine.c_str(), e.project_dir.c_str());
        }
        auto entries = TRY(index.load());
        for (auto& e : entries) {
            auto live = core::indexed_machine_status(e);
            e.state = live ? provider::to_string(live->state) : "unknown";
        }
        if (ctx.global.json) {
            nlohmann::json out = nlohmann::json::array();
            for (auto& e : entries)
                out.push_back({{"machine", e.machine},
                               {"provider", e.provider},
                               {"state", e.state},
                               {"directory", e.project_dir},
                               {"box", e.box},
                               {"updated", e.updated}});
            std::printf("%s\n", out.dump(2).c_str());
            return 0;
        }
        if (entries.empty()) {
            std::printf("no machines on this host (index: %s)\n", state::index_path().c_str());
            return 0;
        }
        Table table({"MACHINE", "PROVIDER", "STATE", "DIRECTORY"});
        for (auto& e : entries) table.add({e.machine, e.provider, e.state, e.project_dir});
        std::fputs(table.render().c_str(), stdout);
        return 0;
    }

private:
    bool prune_ = false;
};

}  // namespace

std::unique_ptr<Command> make_global_status_command() {
    return std::make_unique<GlobalStatusCommand>();
}

}  // namespace env::cli

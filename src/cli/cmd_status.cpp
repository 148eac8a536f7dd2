// env status [machines]: each machine of the project and its state, as its provider sees it,
// and, in a lab with extra networks, each created machine's addresses on them.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/table.h"
#include "core/machine_addresses.h"
#include "core/machine_status.h"

namespace env::cli {
namespace {

class StatusCommand : public Command {
public:
    std::string name() const override { return "status"; }
    std::string summary() const override { return "show the state of this project's machines"; }
    void setup(CLI::App& app) override {
        app.add_option("machines", targets_, "machine names or /regex/ (default: all)");
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        auto machines = TRY(p->select(targets_));
        bool lab = false;  // a column of addresses only where there can be some
        for (auto* m : machines)
            for (auto& a : m->networks)
                lab |= p->envfile.networks.at(a.network).type != envfile::NetworkType::Nat;
        nlohmann::json out = nlohmann::json::array();
        Table table = lab ? Table({"MACHINE", "STATE", "PROVIDER", "ADDRESSES", ""})
                          : Table({"MACHINE", "STATE", "PROVIDER", ""});
        for (auto* m : machines) {
            auto s = TRY(core::machine_status(*p, *m));
            const char* state = provider::to_string(s.state);
            std::map<std::string, std::string> addresses;
            if (s.state != provider::MachineState::NotCreated)
                addresses = core::machine_addresses(*p, *m);
            out.push_back({{"machine", s.machine},
                           {"state", state},
                           {"provider", s.provider},
                           {"addresses", addresses},
                           {"note", s.note}});
            if (lab)
                table.add({s.machine, state, s.provider, core::describe_addresses(*m, addresses),
                           s.note});
            else
                table.add({s.machine, state, s.provider, s.note});
        }
        if (ctx.global.json)
            std::printf("%s\n", out.dump(2).c_str());
        else
            std::fputs(table.render().c_str(), stdout);
        return 0;
    }

private:
    std::vector<std::string> targets_;
};

}  // namespace

std::unique_ptr<Command> make_status_command() {
    return std::make_unique<StatusCommand>();
}

}  // namespace env::cli

// env validate: parses and checks the Envfile, reports every problem as PATH:LINE:COL, and
// on success describes what `env up` would build. Touches nothing on disk.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "envfile/describe.h"

namespace env::cli {
namespace {

class ValidateCommand : public Command {
public:
    std::string name() const override { return "validate"; }
    std::string summary() const override { return "check the Envfile and describe its machines"; }
    void setup(CLI::App& app) override {
        app.add_flag("-q,--quiet", quiet_, "print nothing when the Envfile is valid");
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        if (quiet_) return 0;
        if (ctx.global.json) {
            std::printf("%s\n", envfile::to_json(p->envfile).dump(2).c_str());
            return 0;
        }
        std::printf("%s: valid, %zu machine%s, %zu network%s\n", p->envfile.path.c_str(),
                    p->envfile.machines.size(), p->envfile.machines.size() == 1 ? "" : "s",
                    p->envfile.networks.size(), p->envfile.networks.size() == 1 ? "" : "s");
        std::fputs(envfile::describe(p->envfile).c_str(), stdout);
        return 0;
    }

private:
    bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> make_validate_command() { return std::make_unique<ValidateCommand>(); }

}  // namespace env::cli

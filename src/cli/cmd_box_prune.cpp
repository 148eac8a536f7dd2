#include <cstdio>

#include "box/manage.h"
#include "cli/box_commands.h"

namespace env::cli {

namespace {

class BoxPrune : public Command {
public:
    std::string name() const override { return "box prune"; }
    std::string summary() const override {
        return "remove every version but the newest of each box";
    }
    void setup(CLI::App& app) override {
        app.add_flag("--dry-run", dry_run_, "only say what would be removed");
    }
    Result<int> run(Context&) override {
        auto actions = TRY(box::prune(box::Store::user(), dry_run_));
        if (actions.empty()) std::printf("nothing to prune\n");
        for (auto& a : actions) {
            const auto& b = a.box;
            if (!a.users.empty())
                std::printf("kept box '%s' version %s (%s): used by %s in %s\n", b.name.c_str(),
                            b.version.c_str(), b.provider.c_str(), a.users[0].machine.c_str(),
                            a.users[0].project_dir.c_str());
            else
                std::printf("%s box '%s' version %s (%s)\n", dry_run_ ? "would remove" : "removed",
                            b.name.c_str(), b.version.c_str(), b.provider.c_str());
        }
        return 0;
    }

private:
    bool dry_run_ = false;
};

}  // namespace

std::unique_ptr<Command> make_box_prune_command() {
    return std::make_unique<BoxPrune>();
}

}  // namespace env::cli

#include <cstdio>

#include "box/manage.h"
#include "cli/box_commands.h"

namespace env::cli {

namespace {

class BoxRemove : public Command {
public:
    std::string name() const override { return "box remove"; }
    std::string summary() const override { return "remove an installed box"; }
    void setup(CLI::App& app) override {
        app.add_option("NAME", opts_.name, "the box")->required();
        app.add_option("--box-version", opts_.version, "the exact version to remove");
        app.add_option("--provider", opts_.provider, "container or kvm");
        app.add_flag("--all", opts_.all, "remove every matching version");
        app.add_flag("--force", opts_.force, "remove even when machines use it");
    }
    Result<int> run(Context&) override {
        auto removed = TRY(box::remove_boxes(box::Store::user(), opts_));
        for (auto& b : removed)
            std::printf("box '%s' version %s (%s) removed\n", b.name.c_str(), b.version.c_str(),
                        b.provider.c_str());
        return 0;
    }

private:
    box::RemoveOptions opts_;
};

}  // namespace

std::unique_ptr<Command> make_box_remove_command() {
    return std::make_unique<BoxRemove>();
}

}  // namespace env::cli

#include <cstdio>

#include "box/manage.h"
#include "cli/box_commands.h"

namespace env::cli {

namespace {

class BoxUpdate : public Command {
public:
    std::string name() const override { return "box update"; }
    std::string summary() const override {
        return "add the newest version of boxes from their catalogs";
    }
    void setup(CLI::App& app) override {
        app.add_option("NAME", name_, "only this box (default: every box added from a catalog)");
        app.add_option("--provider", provider_, "only this provider");
        app.add_option("--box-version", constraint_, "newest version matching this constraint");
    }
    Result<int> run(Context&) override {
        auto added = TRY(box::update(box::Store::user(), name_, provider_, constraint_, {}));
        if (added.empty()) std::printf("every box is up to date\n");
        for (auto& b : added)
            std::printf("box '%s' updated to version %s (%s)\n", b.name.c_str(), b.version.c_str(),
                        b.provider.c_str());
        return 0;
    }

private:
    std::string name_, provider_, constraint_;
};

}  // namespace

std::unique_ptr<Command> make_box_update_command() {
    return std::make_unique<BoxUpdate>();
}

}  // namespace env::cli

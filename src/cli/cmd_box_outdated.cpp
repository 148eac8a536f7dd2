#include <nlohmann/json.hpp>

#include <cstdio>

#include "box/manage.h"
#include "cli/box_commands.h"

namespace env::cli {

namespace {

class BoxOutdated : public Command {
public:
    std::string name() const override { return "box outdated"; }
    std::string summary() const override { return "show boxes whose catalog has a newer version"; }
    void setup(CLI::App& app) override { app.add_option("NAME", name_, "only this box"); }
    Result<int> run(Context& ctx) override {
        box::DownloadOptions dl;
        dl.progress = false;
        auto entries = TRY(box::outdated(box::Store::user(), name_, dl));
        if (ctx.global.json) {
            auto arr = nlohmann::json::array();
            for (auto& e : entries)
                arr.push_back({{"name", e.name},
                               {"provider", e.provider},
                               {"installed", e.installed},
                               {"latest", e.latest},
                               {"outdated", e.outdated},
                               {"catalog", e.catalog},
                               {"error", e.error}});
            std::printf("%s\n", arr.dump(2).c_str());
            return 0;
        }
        for (auto& e : entries) {
            if (!e.error.empty())
                std::printf("%s (%s) %s: %s\n", e.name.c_str(), e.provider.c_str(),
                            e.installed.c_str(), e.error.c_str());
            else if (e.outdated)
                std::printf("%s (%s) %s: outdated, %s is available\n", e.name.c_str(),
                            e.provider.c_str(), e.installed.c_str(), e.latest.c_str());
            else
                std::printf("%s (%s) %s: up to date\n", e.name.c_str(), e.provider.c_str(),
                            e.installed.c_str());
        }
        return 0;
    }

private:
    std::string name_;
};

}  // namespace

std::unique_ptr<Command> make_box_outdated_command() {
    return std::make_unique<BoxOutdated>();
}

}  // namespace env::cli

#include <nlohmann/json.hpp>

#include <cstdio>

#include "box/store.h"
#include "cli/box_commands.h"
#include "cli/table.h"
#include "util/progress.h"

namespace env::cli {

namespace {

class BoxList : public Command {
public:
    std::string name() const override { return "box list"; }
    std::string summary() const override { return "list installed boxes with their size on disk"; }
    void setup(CLI::App&) override {}
    Result<int> run(Context& ctx) override {
        auto boxes = TRY(box::Store::user().list());
        if (ctx.global.json) {
            auto arr = nlohmann::json::array();
            for (auto& b : boxes)
                arr.push_back({{"name", b.name},
                               {"version", b.version},
                               {"provider", b.provider},
                               {"size", box::disk_usage(b.dir)},
                               {"dir", b.dir}});
            std::printf("%s\n", arr.dump(2).c_str());
            return 0;
        }
        if (boxes.empty()) {
            std::printf("no boxes installed (add one with `env box add NAME SOURCE`)\n");
            return 0;
        }
        Table table({"NAME", "VERSION", "PROVIDER", "SIZE"});
        for (auto& b : boxes)
            table.add(
                {b.name, b.version, b.provider, Progress::human_bytes(box::disk_usage(b.dir))});
        std::fputs(table.render().c_str(), stdout);
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_box_list_command() {
    return std::make_unique<BoxList>();
}

}  // namespace env::cli

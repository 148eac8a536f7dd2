#include <nlohmann/json.hpp>

#include <cstdio>

#include "box/store.h"
#include "cli/box_commands.h"
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
                arr.push_back({{"name", b.name}, {"version", b.version}, {"provider", b.provider},
                               {"size", box::disk_usage(b.dir)}, {"dir", b.dir}});
            std::printf("%s\n", arr.dump(2).c_str());
            return 0;
        }
        if (boxes.empty()) {
            std::printf("no boxes installed (add one with `env box add NAME SOURCE`)\n");
            return 0;
        }
        size_t wn = 4, wv = 7, wp = 8;
        for (auto& b : boxes) {
            wn = std::max(wn, b.name.size());
            wv = std::max(wv, b.version.size());
            wp = std::max(wp, b.provider.size());
        }
        std::printf("%-*s  %-*s  %-*s  %s\n", int(wn), "NAME", int(wv), "VERSION", int(wp), "PROVIDER", "SIZE");
        for (auto& b : boxes)
            std::printf("%-*s  %-*s  %-*s  %s\n", int(wn), b.name.c_str(), int(wv), b.version.c_str(), int(wp),
                        b.provider.c_str(), Progress::human_bytes(box::disk_usage(b.dir)).c_str());
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_box_list() { return std::make_unique<BoxList>(); }

}  // namespace env::cli

#include <cstdio>

#include "box/add.h"
#include "cli/box_commands.h"
#include "util/progress.h"

namespace env::cli {

namespace {

class BoxAdd : public Command {
public:
    std::string name() const override { return "box add"; }
    std::string summary() const override {
        return "add a box from a .box file, a URL or a catalog";
    }
    void setup(CLI::App& app) override {
        app.add_option("NAME", opts_.name,
                       "name to store the box under (e.g. debian-12 or org/debian-12)")
            ->required();
        app.add_option("SOURCE", opts_.source,
                       "a .box file, an http(s) URL of one, or a catalog JSON (path or URL)")
            ->required();
        app.add_option("--box-version", opts_.constraint,
                       "version constraint, e.g. '>= 1.2, < 2' or '~> 1.0'");
        app.add_option("--provider", opts_.provider, "container or kvm");
        app.add_option("--checksum", opts_.checksum, "expected checksum of the .box");
        app.add_option("--checksum-type", opts_.checksum_type,
                       "sha256 (default), sha512, sha1 or md5");
        app.add_flag("--force", opts_.force,
                     "replace an installed box of the same version and provider");
    }
    Result<int> run(Context& ctx) override {
        auto store = box::Store::user();
        auto b = TRY(box::add(store, opts_));
        if (ctx.global.json) {
            std::printf("{\"name\":\"%s\",\"version\":\"%s\",\"provider\":\"%s\",\"dir\":\"%s\"}\n",
                        b.name.c_str(), b.version.c_str(), b.provider.c_str(), b.dir.c_str());
        } else {
            std::printf("box '%s' version %s (%s) added\n", b.name.c_str(), b.version.c_str(),
                        b.provider.c_str());
        }
        return 0;
    }

private:
    box::AddOptions opts_;
};

}  // namespace

std::unique_ptr<Command> make_box_add_command() {
    return std::make_unique<BoxAdd>();
}

}  // namespace env::cli

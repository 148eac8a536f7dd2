// env init [BOX]: writes a commented starter Envfile in the current directory (or at -f).
// Refuses to overwrite an existing one unless --force, so a typo never eats a user's file.
#include <fcntl.h>

#include <cstdio>

#include "cli/commands.h"
#include "util/sys.h"

namespace env::cli {
namespace {

std::string starter(const std::string& box) {
    return R"ENV(# Envfile: the machines of this project. `env up` brings them up, `env ssh` logs in,
# `env destroy` removes them. Reference: README.md, "Envfile reference".
version: 1

# Values every machine gets unless it says otherwise.
defaults:
  box: )ENV" + box + R"ENV(          # a box from `env box list`; name@constraint pins versions
  provider: container      # container (Linux namespaces) or kvm (built-in VMM)
  cpus: 1
  memory: 512M

# Extra networks besides the NAT every machine has (10.0.2.15, SSH forwarded to 127.0.0.1).
# networks:
#   lab:
#     type: host-only        # host-only | internal | bridged | nat
#     subnet: 192.168.56.0/24

machines:
  default:
    # hostname: dev
    # networks:
    #   - {network: lab, ip: 192.168.56.10}
    # ports:
    #   - {guest: 80, host: 8080}
    provision:
      - shell: echo "hello from $(hostname)"
)ENV";
}

class InitCommand : public Command {
public:
    std::string name() const override { return "init"; }
    std::string summary() const override { return "write a starter Envfile here"; }
    void setup(CLI::App& app) override {
        app.add_option("box", box_, "box for the starter machine")->capture_default_str();
        app.add_flag("--force", force_, "overwrite an existing Envfile");
    }
    Result<int> run(Context& ctx) override {
        std::string path = ctx.global.file.empty() ? "Envfile" : ctx.global.file;
        if (sys::is_dir(path)) path += "/Envfile";
        if (!force_ && sys::exists(path))
            return fail(ErrorKind::Usage, path + " already exists (use --force to overwrite it)");
        TRY(sys::write_file_atomic(path, starter(box_)));
        std::printf("wrote %s: edit it, then run `env up`\n", path.c_str());
        return 0;
    }

private:
    std::string box_ = "debian-12";
    bool force_ = false;
};

}  // namespace

std::unique_ptr<Command> make_init_command() { return std::make_unique<InitCommand>(); }

}  // namespace env::cli

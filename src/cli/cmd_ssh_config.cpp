// env ssh-config [machines]: Host blocks for OpenSSH (`ssh -F <(env ssh-config) web1`).
#include <cstdio>

#include "cli/commands.h"
#include "core/machine_handle.h"
#include "ssh/ssh_config.h"

namespace env::cli {
namespace {

class SshConfigCommand : public Command {
public:
    std::string name() const override { return "ssh-config"; }
    std::string summary() const override { return "print OpenSSH config for created machines"; }
    void setup(CLI::App& app) override {
        app.add_option("machines", targets_, "machine names or /regex/ (default: all)");
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        auto machines = TRY(p->select(targets_));
        int printed = 0;
        for (auto* m : machines) {
            auto h = TRY(core::open_machine(*p, *m));
            if (!h.record) continue;
            auto info = h.ssh_info();
            if (!info) continue;  // created but never started: no port yet
            std::fputs(ssh::ssh_config_block({m->name, info->host, info->port, info->user,
                                              info->identity_file, info->known_hosts_file})
                           .c_str(),
                       stdout);
            ++printed;
        }
        if (printed == 0)
            return fail(ErrorKind::NotFound, "no created machine to print (run `env up`)");
        return 0;
    }

private:
    std::vector<std::string> targets_;
};

}  // namespace

std::unique_ptr<Command> make_ssh_config_command() {
    return std::make_unique<SshConfigCommand>();
}

}  // namespace env::cli

// env ssh [machine] [-c CMD | -- cmd args...] [-t]: a shell or one command on a machine.
// Without a command: an interactive login with a PTY. With one: stdout and stderr stay apart
// (unless -t) and the remote exit status is env's.
#include "cli/commands.h"
#include "cli/machine_select.h"
#include "core/machine_handle.h"
#include "ssh/interactive.h"

namespace env::cli {
namespace {

class SshCommand : public Command {
public:
    std::string name() const override { return "ssh"; }
    std::string summary() const override { return "log in to a machine, or run a command on it"; }
    void setup(CLI::App& app) override {
        app.add_option("machine", machine_, "machine (default: the primary or the only one)");
        app.add_option("args", args_, "after --: the command and its arguments");
        app.add_option("-c,--command", command_, "run this command instead of a shell");
        app.add_flag("-t,--tty", tty_, "allocate a PTY even for a command");
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        // `env ssh -- cmd args`: CLI11 hands the first word after `--` to the machine
        // positional; it belongs to the command (of the default machine).
        if (!machine_.empty() && ctx.command_line.find(" -- " + machine_) != std::string::npos &&
            ctx.command_line.find(" -- ") == ctx.command_line.find(" -- " + machine_)) {
            args_.insert(args_.begin(), machine_);
            machine_.clear();
        }
        auto* m = TRY(single_machine(*p, machine_));
        auto h = TRY(core::open_machine(*p, *m));
        auto st = TRY(h.state());
        if (st != provider::MachineState::Running)
            return fail(ErrorKind::Provider, "machine " + m->name + " is " +
                                                 provider::to_string(st) + "; `env up " + m->name +
                                                 "` first");
        auto conn = TRY(core::connect_machine(h, std::chrono::seconds(10)));
        ssh::InteractiveOptions o;
        if (!command_.empty()) {
            o.command = command_;
        } else if (!args_.empty()) {
            // Words joined as ssh does: the remote shell splits them again.
            std::string c;
            for (auto& a : args_) c += (c.empty() ? "" : " ") + a;
            o.command = c;
        }
        o.force_pty = tty_;
        return ssh::interactive(conn.session, o);
    }

private:
    std::string machine_, command_;
    std::vector<std::string> args_;
    bool tty_ = false;
};

}  // namespace

std::unique_ptr<Command> make_ssh_command() {
    return std::make_unique<SshCommand>();
}

}  // namespace env::cli

// env port [machine]: the machine's forwarded ports (SSH first, then the Envfile's ports:).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/machine_select.h"
#include "cli/table.h"
#include "core/machine_handle.h"

namespace env::cli {
namespace {

class PortCommand : public Command {
public:
    std::string name() const override { return "port"; }
    std::string summary() const override { return "list a machine's forwarded ports"; }
    void setup(CLI::App& app) override {
        app.add_option("machine", machine_, "machine (default: the primary or the only one)");
    }
    Result<int> run(Context& ctx) override {
        core::Project* p = TRY(ctx.project());
        auto* m = TRY(single_machine(*p, machine_));
        auto h = TRY(core::open_machine(*p, *m));
        if (!h.record) return fail(ErrorKind::NotFound, "machine " + m->name + " is not created");
        auto info = TRY(h.ssh_info());
        nlohmann::json out = nlohmann::json::array();
        Table table({"GUEST", "HOST", "PROTOCOL", ""});
        auto add = [&](int guest, const std::string& ip, int host, const std::string& proto,
                       const std::string& note) {
            out.push_back({{"guest", guest},
                           {"host_ip", ip},
                           {"host", host},
                           {"protocol", proto},
                           {"note", note}});
            table.add({std::to_string(guest), ip + ":" + std::to_string(host), proto, note});
        };
        add(22, info.host, info.port, "tcp", "ssh");
        for (auto& f : m->ports) add(f.guest, f.host_ip, f.host, f.protocol, "");
        if (ctx.global.json)
            std::printf("%s\n", out.dump(2).c_str());
        else
            std::fputs(table.render().c_str(), stdout);
        return 0;
    }

private:
    std::string machine_;
};

}  // namespace

std::unique_ptr<Command> make_port_command() {
    return std::make_unique<PortCommand>();
}

}  // namespace env::cli

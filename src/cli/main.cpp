#include "cli/main.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "cli/command.h"
#include "cli/passthrough.h"
#include "util/log.h"
#include "util/sys.h"
#include "util/term.h"

namespace env::cli {
namespace {

// Summaries of command groups ("box add" lives under "box").
const std::map<std::string, std::string> kGroups = {
    {"box", "manage boxes: add, list, remove, update, outdated, prune"},
};

std::vector<std::string> top_level_names(const CommandList& cmds) {
    std::vector<std::string> names{"help"};
    for (auto& c : cmds) {
        std::string first = c->name().substr(0, c->name().find(' '));
        if (std::find(names.begin(), names.end(), first) == names.end()) names.push_back(first);
    }
    return names;
}

// Usage lines read "env box add ..." rather than CLI11's bare "add ...".
class EnvFormatter : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App* app, std::string name) const override {
        std::string chain;
        for (const CLI::App* a = app->get_parent(); a; a = a->get_parent())
            chain = a->get_name() + " " + chain;
        // CLI11 passes the full chain when --help fires, the bare name otherwise.
        if (name.rfind(chain, 0) == 0) return CLI::Formatter::make_usage(app, name);
        return CLI::Formatter::make_usage(app, chain + name);
    }
};

void add_global_flags(CLI::App* app, GlobalOptions& g) {
    // halt and destroy take -f as --force (as Vagrant's do); there the Envfile is --file only.
    const bool short_f = app->get_option_no_throw("-f") == nullptr;
    app->add_option(short_f ? "-f,--file" : "--file", g.file,
                    "Envfile to use (default: $ENVFILE, else the nearest Envfile upwards)")
        ->group("Global options");
    app->add_flag("--debug", g.debug, "log everything to stderr")->group("Global options");
    app->add_flag("--json", g.json, "machine-readable output, for commands that list things")
        ->group("Global options");
    app->add_flag("--no-color", g.no_color, "no colour (also: NO_COLOR=1)")
        ->group("Global options");
}

void print_error(const Error& e) {
    // An invalid Envfile already reads "PATH:LINE:COL: message", one problem per line.
    if (e.kind() == ErrorKind::Invalid && e.message().find('\n') != std::string::npos) {
        std::fprintf(stderr, "%s\n", e.message().c_str());
        return;
    }
    std::fprintf(stderr, "%s %s\n", term::paint("31", "env:", 2).c_str(), e.what().c_str());
}

}  // namespace

int main(int argc, char** argv) {
    CommandList commands = all_commands();
    if (!is_our_command(argc, argv, top_level_names(commands))) return exec_coreutils_env(argv);
    sys::open_standard_fds();  // not before: coreutils env gets its descriptors untouched

    CLI::App app{"env: declarative machines from an Envfile (VMs and containers)", "env"};
    app.require_subcommand(1);
    app.set_help_flag();  // `env --help` belongs to coreutils env; ours is `env help`
    app.formatter(std::make_shared<EnvFormatter>());
    Context ctx;
    std::map<CLI::App*, Command*> owner;
    std::map<std::string, CLI::App*> groups;
    for (auto& c : commands) {
        std::string name = c->name();
        CLI::App* parent = &app;
        if (auto sp = name.find(' '); sp != std::string::npos) {
            std::string group = name.substr(0, sp);
            name = name.substr(sp + 1);
            auto& g = groups[group];
            if (!g) {
                g = app.add_subcommand(group, kGroups.count(group) ? kGroups.at(group) : "");
                g->require_subcommand(1);
                g->set_help_flag("-h,--help", "show this group's commands");
            }
            parent = g;
        }
        CLI::App* sub = parent->add_subcommand(name, c->summary());
        sub->set_help_flag("-h,--help", "show this command's flags");
        c->setup(*sub);
        add_global_flags(sub, ctx.global);
        owner[sub] = c.get();
    }
    CLI::App* help =
        app.add_subcommand("help", "show commands, or one command's flags: env help CMD");
    std::vector<std::string> help_topic;
    help->add_option("command", help_topic, "a command, e.g. `up` or `box add`");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : exit_code::usage;
    }
    for (int i = 0; i < argc; ++i)
        ctx.command_line += (i ? " " : "") + std::string(i ? argv[i] : "env");
    term::set_color(!ctx.global.no_color);
    log::init(ctx.global.debug);

    if (help->parsed()) {
        CLI::App* target = &app;
        for (auto& word : help_topic) {
            CLI::App* next = nullptr;
            try {
                next = target->get_subcommand(word);
            } catch (const CLI::OptionNotFound&) {
            }
            if (!next) {
                std::fprintf(stderr, "env: no command '%s' (see `env help`)\n", word.c_str());
                return exit_code::usage;
            }
            target = next;
        }
        // The formatter, not App::help(): help() would describe the parsed `help` command.
        std::string text = target->get_formatter()->make_help(target, target->get_name(),
                                                              CLI::AppFormatMode::Normal);
        if (target == &app)
            text +=
                "\nAny other first word runs the system's coreutils env: `env FOO=1 cmd`, "
                "`env -i ...`, `env` alone.\n`env help CMD` or `env CMD --help` shows a "
                "command's flags.\n";
        std::fputs(text.c_str(), stdout);
        return 0;
    }

    for (auto& [sub, cmd] : owner) {
        if (!sub->parsed()) continue;
        try {
            auto rc = cmd->run(ctx);
            if (!rc) {
                print_error(rc.error());
                return rc.error().exit_code();
            }
            return *rc;
        } catch (const std::exception& e) {
            // Library code is meant to return Errors; this is the last line of defence.
            std::fprintf(stderr, "env: internal error: %s\n", e.what());
            return exit_code::runtime;
        }
    }
    return exit_code::usage;
}

}  // namespace env::cli

#pragma once
// One CLI command. Each lives in its own cmd_*.cpp and is listed once in registry.cpp.
// A command declares its flags on the CLI11 app it is given, then run() does the work and
// returns the process exit status (an Error becomes one line on stderr and its exit code).
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/context.h"
#include "util/error.h"

namespace env::cli {

class Command {
public:
    virtual ~Command() = default;
    // "status", or "box add" for a command of a group (the group is created from the name).
    virtual std::string name() const = 0;
    virtual std::string summary() const = 0;
    // Declares flags and positionals. Global flags (-f, --debug, --json, --no-color) are
    // added by the caller and land in Context::global.
    virtual void setup(CLI::App& app) = 0;
    virtual Result<int> run(Context& ctx) = 0;
};

using CommandList = std::vector<std::unique_ptr<Command>>;

// registry.cpp: every command, in the order `env help` lists them.
CommandList all_commands();

}  // namespace env::cli

// env version: prints our version (set by CMake from project(VERSION)).
#include <cstdio>

#include "cli/commands.h"

#ifndef ENV_VERSION
#define ENV_VERSION "0.0.0"
#endif

namespace env::cli {
namespace {

class VersionCommand : public Command {
public:
    std::string name() const override { return "version"; }
    std::string summary() const override { return "print env's version"; }
    void setup(CLI::App&) override {}
    Result<int> run(Context&) override {
        std::printf("env %s\n", ENV_VERSION);
        return 0;
    }
};

}  // namespace

std::unique_ptr<Command> make_version_command() { return std::make_unique<VersionCommand>(); }

}  // namespace env::cli

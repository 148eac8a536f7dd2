#pragma once
// One factory per command file; registry.cpp lists them.
#include <memory>

#include "cli/command.h"

namespace env::cli {

std::unique_ptr<Command> make_version_command();
std::unique_ptr<Command> make_init_command();
std::unique_ptr<Command> make_validate_command();
std::unique_ptr<Command> make_status_command();
std::unique_ptr<Command> make_global_status_command();

}  // namespace env::cli

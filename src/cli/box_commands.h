#pragma once
// The `env box ...` commands (cmd_box_*.cpp), listed in registry.cpp. Each is a thin layer
// over src/box/: it declares flags, calls one library function and prints.
#include <memory>

#include "cli/command.h"

namespace env::cli {

std::unique_ptr<Command> make_box_add_command();
std::unique_ptr<Command> make_box_list_command();
std::unique_ptr<Command> make_box_remove_command();
std::unique_ptr<Command> make_box_update_command();
std::unique_ptr<Command> make_box_outdated_command();
std::unique_ptr<Command> make_box_prune_command();

}  // namespace env::cli

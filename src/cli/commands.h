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
std::unique_ptr<Command> make_up_command();
std::unique_ptr<Command> make_ssh_command();
std::unique_ptr<Command> make_ssh_config_command();
std::unique_ptr<Command> make_provision_command();
std::unique_ptr<Command> make_reload_command();
std::unique_ptr<Command> make_halt_command();
std::unique_ptr<Command> make_destroy_command();
std::unique_ptr<Command> make_port_command();

}  // namespace env::cli

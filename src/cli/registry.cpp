// The explicit list of commands: what `env help` shows, in this order. A command that is not
// here does not exist (no static self-registration; the linker would drop it anyway).
#include "cli/box_commands.h"
#include "cli/commands.h"

namespace env::cli {

CommandList all_commands() {
    CommandList c;
    c.push_back(make_init_command());
    c.push_back(make_validate_command());
    c.push_back(make_up_command());
    c.push_back(make_ssh_command());
    c.push_back(make_ssh_config_command());
    c.push_back(make_provision_command());
    c.push_back(make_reload_command());
    c.push_back(make_halt_command());
    c.push_back(make_destroy_command());
    c.push_back(make_status_command());
    c.push_back(make_port_command());
    c.push_back(make_global_status_command());
    c.push_back(make_version_command());
    c.push_back(make_box_add_command());
    c.push_back(make_box_list_command());
    c.push_back(make_box_remove_command());
    c.push_back(make_box_update_command());
    c.push_back(make_box_outdated_command());
    c.push_back(make_box_prune_command());
    return c;
}

}  // namespace env::cli

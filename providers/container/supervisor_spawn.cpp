#include "providers/container/supervisor_spawn.h"

#include "providers/container/machine_files.h"

namespace env::container {

Result<> spawn_supervisor(const std::string& executable, const std::string& state_dir,
                          int timeout_ms, UniqueFd held_port) {
    return host::spawn_detached({.executable = executable,
                                 .args = {state_dir},
                                 .log_file = MachineFiles{state_dir}.supervisor_log(),
                                 .what = "supervisor",
                                 .timeout_ms = timeout_ms,
                                 .held = std::move(held_port),
                                 .held_flag = "--held-port-fd"});
}

Result<std::string> find_supervisor_executable() {
    return host::find_helper_executable("env-container-supervisor", "ENV_CONTAINER_SUPERVISOR");
}

}  // namespace env::container

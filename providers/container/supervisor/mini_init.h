#pragma once
// Our pid 1, used when the box does not bring its own init: the cloned container process
// itself (no binary needed inside the box). It starts the configured command (typically the
// SSH server named in the box metadata), reaps every orphan the container produces,
// forwards SIGTERM/SIGINT/SIGHUP/SIGUSR1/SIGUSR2 to everything in the container, and exits
// with the command's status when the command ends (the kernel then kills whatever is left
// in the pid namespace), as `docker run --init` does.
#include <cstddef>
#include <string>
#include <vector>

namespace env::container {

// The memory of the supervisor's argv, which our init overwrites with "init" so that ps in
// the container shows neither the supervisor's name nor the host path of the state dir.
// supervisor_main() registers it; without it only the comm name changes.
void set_title_area(char* start, size_t length);

// sync_fd: the supervisor's socket; "E<message>" is sent on it if the command cannot be
// executed; it is closed (on exec) once the command runs.
[[noreturn]] void run_mini_init(const std::vector<std::string>& command, int sync_fd);

// execvp() with the given environment in place; returns only on failure (errno set).
void exec_with_env(const std::vector<std::string>& argv, const std::vector<std::string>& env);

}  // namespace env::container

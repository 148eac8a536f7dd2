#pragma once
// Starts a machine's supervisor so that it outlives the caller: posix_spawn of
// env-container-supervisor --detach in a new session (setsid), which forks once more and
// exits (the supervisor is nobody's child in the CLI's session, and no terminal hangup
// reaches it), with stdin from /dev/null and stdout/stderr appended to supervisor.log. Waits on a
// pipe until the supervisor says its init runs, or reports its error (with the tail of
// supervisor.log when it died without a word).
#include <sys/types.h>

#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::container {

// Starts the supervisor of the machine in state_dir, detached, and waits (at most
// timeout_ms) until it reports the machine running or failed. held_port (invalid: none): a
// bound socket holding the SSH forward's host port; the supervisor inherits it and ours is
// closed once it has, or the supervisor's NAT could never bind the port.
Result<> spawn_supervisor(const std::string& executable, const std::string& state_dir,
                          int timeout_ms, UniqueFd held_port = {});

// The supervisor closes its last fd (our EOF, its lock) a moment before the kernel has
// finished its exit; this waits for that too, so that "halted" means no process is left. A
// zombie counts as gone (its parent, init, reaps it when it gets to it). At most 2 s.
void wait_process_gone(pid_t pid);

// Where env-container-supervisor is: $ENV_CONTAINER_SUPERVISOR, else beside the running
// executable, else ../libexec/env/ relative to it.
Result<std::string> find_supervisor_executable();

}  // namespace env::container

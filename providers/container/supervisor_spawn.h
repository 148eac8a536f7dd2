#pragma once
// Starts a machine's supervisor (env-container-supervisor) detached, through the host's
// machine-process spawning (host/detached_spawn.h), with its log in supervisor.log.
#include <string>

#include "host/detached_spawn.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace env::container {

// Starts the supervisor of the machine in state_dir, detached, and waits (at most
// timeout_ms) until it reports the machine running or failed. held_port (invalid: none): a
// bound socket holding the SSH forward's host port; the supervisor inherits it and ours is
// closed once it has, or the supervisor's NAT could never bind the port.
Result<> spawn_supervisor(const std::string& executable, const std::string& state_dir,
                          int timeout_ms, UniqueFd held_port = {});

// Where env-container-supervisor is: $ENV_CONTAINER_SUPERVISOR, else beside the running
// executable, else ../libexec/env/ relative to it.
Result<std::string> find_supervisor_executable();

}  // namespace env::container

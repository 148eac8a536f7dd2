#pragma once
// Starts a machine's supervisor so that it outlives the caller: fork, setsid, fork again
// (the supervisor is nobody's child in the CLI's session, and no terminal hangup reaches
// it), exec env-container-supervisor with stdin from /dev/null and stdout/stderr appended
// to supervisor.log. Waits on a pipe until the supervisor says its init runs, or reports
// its error (with the tail of supervisor.log when it died without a word).
#include <string>

#include "util/error.h"

namespace env::container {

Result<> spawn_supervisor(const std::string& executable, const std::string& state_dir, int timeout_ms);

// Where env-container-supervisor is: $ENV_CONTAINER_SUPERVISOR, else beside the running
// executable, else ../libexec/env/ relative to it.
Result<std::string> find_supervisor_executable();

}  // namespace env::container

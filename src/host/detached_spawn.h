#pragma once
// Starts a machine's host process (the container supervisor; env-vmm) so that it outlives
// the caller: posix_spawn of `<executable> <args> --ready-fd 3 [<held flag> 4] --detach` in a
// new session (setsid), which forks once more and exits (the process is nobody's child in the
// CLI's session, and no terminal hangup reaches it), with stdin from /dev/null and
// stdout/stderr appended to its log. Waits on a pipe (fd 3 in the process) until the process
// writes "pid N\n" then "ok\n" (the machine runs) or "error: ...\n", or reports what the log
// ends with when it died without a word.
#include <sys/types.h>

#include <string>
#include <vector>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::host {

struct DetachedSpawn {
    std::string executable;
    std::vector<std::string> args;  // before the flags above, e.g. the state directory
    std::string log_file;           // stdout and stderr, appended
    std::string what;               // the process in messages: "supervisor"
    int timeout_ms = 30000;         // until "ok" or "error"
    // A descriptor the process inherits as fd 4, named to it by held_flag ("--held-port-fd"):
    // a bound socket holding a host port, say. Ours is closed once the process has its copy.
    UniqueFd held;
    std::string held_flag;
};

Result<> spawn_detached(DetachedSpawn s);

// A process closes its last fd (our EOF, its lock) a moment before the kernel has finished
// its exit; this waits for that too, so that "halted" means no process is left. A zombie
// counts as gone (its parent, init, reaps it when it gets to it). At most 2 s.
void wait_process_gone(pid_t pid);

// Where a helper executable is: $<env_var>, else beside the running executable, else
// ../libexec/env/ relative to it.
Result<std::string> find_helper_executable(const std::string& name, const std::string& env_var);

}  // namespace env::host

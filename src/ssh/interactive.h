#pragma once
// `env ssh`: an interactive session on the local terminal, like `ssh -t host [cmd]`.
#include <optional>
#include <string>

#include "ssh/session.h"
#include "util/error.h"

namespace env::ssh {

struct InteractiveOptions {
    std::optional<std::string> command;  // none: the login shell
    int in_fd = 0, out_fd = 1, err_fd = 2;
    // Like ssh: a PTY only when in_fd is a terminal (piped input gets none, and stdout and
    // stderr stay apart); force_pty is ssh -t.
    bool force_pty = false;
};

// With a PTY: requests one with the local terminal's size and $TERM, puts the local tty in raw mode
// (restored on every exit path), forwards SIGWINCH as window-change requests, and returns
// the remote exit status. Installs a SIGWINCH handler for its duration (the previous one is
// restored), so call it from the main thread of a CLI process.
Result<int> interactive(const Session& session, const InteractiveOptions& opts = {});

}  // namespace env::ssh

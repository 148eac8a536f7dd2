#pragma once
// Runs one command on a machine over an authenticated Session, like `ssh host cmd`.
#include <functional>
#include <string>
#include <string_view>

#include "ssh/session.h"
#include "util/error.h"

namespace env::ssh {

struct ExecIo {
    // Output as it arrives; stdout and stderr are kept apart (without a PTY). Null: discarded.
    std::function<void(std::string_view)> on_stdout;
    std::function<void(std::string_view)> on_stderr;
    std::string_view stdin_data;  // sent first
    int stdin_fd = -1;            // then forwarded until EOF; -1: the command sees EOF at once
    // With a PTY (like `ssh -t`) the remote merges stderr into stdout and stdin is not
    // closed at its end (a terminal has no EOF of its own).
    bool pty = false;
    std::string term = "xterm-256color";
    int cols = 80, rows = 24;
};

// The remote exit status (128 + N when killed by signal N). Errors only for transport
// failures; a failing command is a status, not an error.
Result<int> exec(const Session& session, const std::string& command, const ExecIo& io = {});

struct ExecOutput {
    int status = -1;
    std::string out, err;
};
// Convenience: collects stdout and stderr into strings.
Result<ExecOutput> exec_capture(const Session& session, const std::string& command,
                                std::string_view stdin_data = {});

}  // namespace env::ssh

#pragma once
// Our binary is called `env`, like the POSIX utility that scripts run every day
// (`#!/usr/bin/env python3`, `env -i`, `env FOO=1 cmd`). Any invocation whose first word is
// not one of our commands is handed, untouched, to the system's coreutils env.
#include <string>
#include <vector>

namespace env::cli {

// True when argv[1] is one of our commands (so we handle it ourselves).
bool is_our_command(int argc, char** argv, const std::vector<std::string>& commands);

// execv()s coreutils env with the same argv (argv[0] included, so its messages read the
// same). Returns only on failure, with the exit status coreutils env uses for its own
// failures (125) after printing why.
int exec_coreutils_env(char** argv);

}  // namespace env::cli

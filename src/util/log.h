#pragma once
// Logging setup. Everything logs through spdlog's default logger; this decides the sinks:
// stderr shows warnings (or everything with --debug), and a project's log file, once known,
// records everything at debug level for later reading.
#include <string>

namespace env::log {

void init(bool debug);
// Adds .envstate/env.log (or any file) as a debug-level sink. Safe to call more than once.
void add_file(const std::string& path);
bool debug_enabled();

}  // namespace env::log

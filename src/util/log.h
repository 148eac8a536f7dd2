#pragma once
// Logging setup. Everything logs through spdlog's default logger; this decides the sinks:
// stderr shows warnings (or everything with --debug), and a project's log file, once known,
// records everything at debug level for later reading.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog::sinks {
class sink;
}

namespace env::log {

void init(bool debug);
// Adds .envstate/env.log (or any file) as a debug-level sink. Safe to call more than once.
void add_file(const std::string& path);
bool debug_enabled();

// While it lives, the lines the log would write on stderr go to `print` instead (whole
// lines with their newline), so that a live status board can show them above its rows.
// Create and drop it while no other thread logs: it swaps a sink of the shared logger.
class StderrDiversion {
public:
    explicit StderrDiversion(std::function<void(std::string_view)> print);
    ~StderrDiversion();
    StderrDiversion(const StderrDiversion&) = delete;
    StderrDiversion& operator=(const StderrDiversion&) = delete;

private:
    std::shared_ptr<spdlog::sinks::sink> saved_, mine_;
};

}  // namespace env::log

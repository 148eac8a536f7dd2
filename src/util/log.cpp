#include "util/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace env::log {
namespace {
bool g_debug = false;
std::string g_file;
}  // namespace

void init(bool debug) {
    g_debug = debug;
    auto err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    err->set_level(debug ? spdlog::level::debug : spdlog::level::warn);
    err->set_pattern(debug ? "[%H:%M:%S.%e] [%^%l%$] %v" : "env: %^%l%$: %v");
    auto logger = std::make_shared<spdlog::logger>("env", err);
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
}

void add_file(const std::string& path) {
    if (path == g_file) return;
    try {
        auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path);
        file->set_level(spdlog::level::debug);
        file->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%P] [%l] %v");
        spdlog::default_logger()->sinks().push_back(file);
        g_file = path;
    } catch (const spdlog::spdlog_ex& e) {
        spdlog::warn("cannot open log file {}: {}", path, e.what());
    }
}

bool debug_enabled() { return g_debug; }

}  // namespace env::log

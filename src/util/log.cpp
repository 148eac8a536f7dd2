#include "util/log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace env::log {
namespace {
bool g_debug = false;
std::string g_file;
std::shared_ptr<spdlog::sinks::sink> g_err;  // the stderr sink that init() made

const char* stderr_pattern() { return g_debug ? "[%H:%M:%S.%e] [%^%l%$] %v" : "env: %^%l%$: %v"; }

// Formats like the stderr sink and hands each line to a function.
class FunctionSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit FunctionSink(std::function<void(std::string_view)> f) : f_(std::move(f)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t buf;
        formatter_->format(msg, buf);
        f_(std::string_view(buf.data(), buf.size()));
    }
    void flush_() override {}

private:
    std::function<void(std::string_view)> f_;
};

}  // namespace

void init(bool debug) {
    g_debug = debug;
    auto err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    err->set_level(debug ? spdlog::level::debug : spdlog::level::warn);
    err->set_pattern(stderr_pattern());
    g_err = err;
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

StderrDiversion::StderrDiversion(std::function<void(std::string_view)> print) {
    auto& sinks = spdlog::default_logger()->sinks();
    for (auto& s : sinks) {
        if (!g_err || s != g_err) continue;
        auto f = std::make_shared<FunctionSink>(std::move(print));
        f->set_level(g_err->level());
        f->set_pattern(stderr_pattern());
        saved_ = s;
        mine_ = f;
        s = f;
        return;
    }
}

StderrDiversion::~StderrDiversion() {
    if (!saved_) return;
    for (auto& s : spdlog::default_logger()->sinks())
        if (s == mine_) s = saved_;
}

}  // namespace env::log

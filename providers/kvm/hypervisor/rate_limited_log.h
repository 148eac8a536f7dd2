#pragma once
// A warning that a guest can trigger at will (unknown port, bad register value) must not
// flood the log or slow the VMM: at most `burst` lines per second, then one summary line.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace env::kvm {

class RateLimitedLog {
public:
    explicit RateLimitedLog(std::string what, unsigned burst = 10)
        : what_(std::move(what)), burst_(burst) {}
    // Logs "<what>: <message>" unless the budget for this second is spent.
    void warn(const std::string& message);
    uint64_t total() const { return total_.load(); }

private:
    std::string what_;
    unsigned burst_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point window_{};
    unsigned in_window_ = 0;
    uint64_t suppressed_ = 0;
    std::atomic<uint64_t> total_{0};
};

}  // namespace env::kvm

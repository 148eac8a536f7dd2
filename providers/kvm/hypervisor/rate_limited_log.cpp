#include "providers/kvm/hypervisor/rate_limited_log.h"

#include <spdlog/spdlog.h>

namespace env::kvm {

void RateLimitedLog::warn(const std::string& message) {
    total_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (now - window_ >= std::chrono::seconds(1)) {
        if (suppressed_) spdlog::warn("{}: {} similar messages suppressed", what_, suppressed_);
        window_ = now;
        in_window_ = 0;
        suppressed_ = 0;
    }
    if (in_window_ < burst_) {
        ++in_window_;
        spdlog::warn("{}: {}", what_, message);
    } else {
        ++suppressed_;
    }
}

}  // namespace env::kvm

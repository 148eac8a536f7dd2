#pragma once
// An EventLoop for tests: the test thread plays the VMM's loop thread and runs posted
// tasks and watched fds when it calls run_until(). Test support only.
#include <poll.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "providers/kvm/virtio/device.h"

namespace env::kvm::virtio::testing {

class ManualLoop : public EventLoop {
public:
    void watch(int fd, std::function<void()> on_ready) override {
        watched_[fd] = std::move(on_ready);
    }
    void unwatch(int fd) override { watched_.erase(fd); }
    void post(std::function<void()> fn) override {
        std::lock_guard lk(mu_);
        posted_.push_back(std::move(fn));
        cv_.notify_all();
    }
    // Runs tasks and fd callbacks until done() or the timeout; returns done().
    template <typename Pred>
    bool run_until(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::deque<std::function<void()>> tasks;
            {
                std::unique_lock lk(mu_);
                cv_.wait_for(lk, std::chrono::milliseconds(watched_.empty() ? 10 : 0),
                             [&] { return !posted_.empty(); });
                tasks.swap(posted_);
            }
            for (auto& t : tasks) t();
            std::vector<pollfd> fds;
            for (auto& [fd, fn] : watched_) fds.push_back({fd, POLLIN, 0});
            if (!fds.empty() && ::poll(fds.data(), fds.size(), 10) > 0)
                for (auto& p : fds)
                    if (p.revents && watched_.count(p.fd)) watched_[p.fd]();
        }
        return true;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> posted_;
    std::map<int, std::function<void()>> watched_;
};

}  // namespace env::kvm::virtio::testing

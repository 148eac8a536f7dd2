#include "providers/kvm/hypervisor/event_loop.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <condition_variable>

namespace env::kvm {

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
    std::unique_ptr<EventLoop> l(new EventLoop());
    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return fail_errno("epoll_create1");
    l->epoll_.reset(ep);
    int w = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w < 0) return fail_errno("eventfd");
    l->wake_.reset(w);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = w;
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, w, &ev) < 0) return fail_errno("epoll_ctl");
    return l;
}

EventLoop::~EventLoop() {
    stop();
}

void EventLoop::start() {
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
}

void EventLoop::stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
    thread_.join();
}

void EventLoop::watch(int fd, std::function<void()> on_ready) {
    {
        std::lock_guard lock(mutex_);
        watched_[fd] = std::make_shared<std::function<void()>>(std::move(on_ready));
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) < 0 &&
        (errno != EEXIST || ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) < 0))
        spdlog::warn("event loop: cannot watch fd {}: {}", fd, strerror(errno));
}

void EventLoop::unwatch(int fd) {
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    std::lock_guard lock(mutex_);
    watched_.erase(fd);
}

void EventLoop::post(std::function<void()> fn) {
    {
        std::lock_guard lock(mutex_);
        posted_.push_back(std::move(fn));
    }
    uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
}

void EventLoop::run_sync(const std::function<void()>& fn) {
    if (!thread_.joinable() || on_loop_thread() || finished_) {
        fn();
        return;
    }
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    post([&] {
        fn();
        std::lock_guard lock(m);
        done = true;
        cv.notify_one();
    });
    // A loop that stops meanwhile runs what was posted before it exits (loop()), so only
    // work posted after that final drain could wait forever: give up on it then.
    std::unique_lock lock(m);
    while (!cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; }))
        if (finished_) return;
}

void EventLoop::run_posted() {
    std::deque<std::function<void()>> work;
    {
        std::lock_guard lock(mutex_);
        work.swap(posted_);
    }
    for (auto& fn : work) fn();
}

void EventLoop::loop() {
    epoll_event events[32];
    while (!stopping_) {
        int n = ::epoll_wait(epoll_.get(), events, 32, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            spdlog::error("event loop: epoll_wait: {}", strerror(errno));
            return;
        }
        for (int i = 0; i < n && !stopping_; ++i) {
            int fd = events[i].data.fd;
            if (fd == wake_.get()) {
                uint64_t v;
                (void)!::read(fd, &v, sizeof v);
                run_posted();
                continue;
            }
            std::shared_ptr<std::function<void()>> h;
            {
                std::lock_guard lock(mutex_);
                if (auto it = watched_.find(fd); it != watched_.end()) h = it->second;
            }
            if (h) (*h)();
        }
    }
    run_posted();  // nobody waits forever in run_sync
    std::lock_guard lock(mutex_);
    finished_ = true;  // what is posted from now on never runs
}

}  // namespace env::kvm

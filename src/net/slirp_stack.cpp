#include "net/slirp_stack.h"

#include <arpa/inet.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "util/unique_fd.h"

namespace env::net {

namespace {

int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

Result<in_addr> parse_ip(const std::string& s) {
    in_addr a{};
    if (::inet_pton(AF_INET, s.c_str(), &a) != 1)
        return fail(ErrorKind::Invalid, "not an IPv4 address: '" + s + "'");
    return a;
}

struct Timer {
    SlirpTimerCb cb;
    void* opaque;
    int64_t expire_ms = -1;  // -1: not armed
};

}  // namespace

struct SlirpStack::Impl {
    Slirp* slirp = nullptr;
    NatConfig config;
    std::vector<const char*> dns_search;  // null-terminated view of config.dns_search
    FrameSink* sink = nullptr;
    std::vector<std::unique_ptr<Timer>> timers;
    struct Watch {
        int fd;
        std::function<void()> on_ready;
    };
    std::vector<Watch> watches;
    std::vector<pollfd> pfds;

    UniqueFd wake;  // eventfd: new commands or frames for the loop
    std::thread thread;
    std::atomic<bool> running{false};
    std::atomic<bool> stopping{false};
    std::mutex mu;  // guards the queues below
    std::deque<std::function<void()>> commands;
    std::deque<std::vector<uint8_t>> frames;

    ~Impl() {
        if (slirp) slirp_cleanup(slirp);
    }

    bool on_loop_thread() const {
        return !running || std::this_thread::get_id() == thread.get_id();
    }

    void kick() {
        uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(wake.get(), &one, sizeof one);
    }

    // Runs fn on the loop thread and waits for it (or runs it here before start()).
    template <typename F>
    auto call(F fn) -> decltype(fn()) {
        auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
        auto fut = task->get_future();
        {
            // Checked under the lock stop() takes to clear `running`, so a command is
            // either queued for a loop that will run it or run right here.
            std::unique_lock lk(mu);
            if (on_loop_thread()) {
                lk.unlock();
                (*task)();
                return fut.get();
            }
            commands.emplace_back([task] { (*task)(); });
        }
        kick();
        return fut.get();
    }

    // True when it fed slirp frames.
    bool drain_queues() {
        uint64_t v;
        [[maybe_unused]] auto n = ::read(wake.get(), &v, sizeof v);
        std::deque<std::function<void()>> cmds;
        std::deque<std::vector<uint8_t>> fr;
        {
            std::lock_guard lk(mu);
            cmds.swap(commands);
            fr.swap(frames);
        }
        for (auto& f : fr) slirp_input(slirp, f.data(), static_cast<int>(f.size()));
        for (auto& c : cmds) c();
        return !fr.empty();
    }

    void fire_timers() {
        int64_t now_ms = now_ns() / 1000000;
        // A callback may re-arm or free timers, so collect first.
        std::vector<Timer*> due;
        for (auto& t : timers)
            if (t->expire_ms >= 0 && t->expire_ms <= now_ms) due.push_back(t.get());
        for (Timer* t : due) {
            // An earlier callback may have freed this timer.
            bool alive =
                std::any_of(timers.begin(), timers.end(), [&](auto& p) { return p.get() == t; });
            if (!alive || t->expire_ms < 0) continue;
            t->expire_ms = -1;
            t->cb(t->opaque);
        }
    }

    uint32_t timer_timeout_ms() const {
        int64_t now_ms = now_ns() / 1000000;
        int64_t best = 1000;  // wake at least once a second (slirp's slow timers)
        for (auto& t : timers)
            if (t->expire_ms >= 0)
                best = std::min(best, std::max<int64_t>(0, t->expire_ms - now_ms));
        return static_cast<uint32_t>(best);
    }

    void loop() {
        // libslirp sends what it queued (a SYN waiting for the guest's ARP reply, say) only
        // from slirp_pollfds_poll, never from slirp_input. After feeding it frames, poll
        // again at once instead of sleeping up to its 500 ms slow-timer timeout: otherwise
        // the first connection to a fresh guest waits that long for its ARP-delayed SYN.
        bool fed = false;
        while (!stopping) {
            pfds.clear();
            pfds.push_back({wake.get(), POLLIN, 0});
            size_t first_watch = pfds.size();
            for (auto& w : watches) pfds.push_back({w.fd, POLLIN, 0});
            size_t watch_end = pfds.size();
            uint32_t timeout = timer_timeout_ms();
            slirp_pollfds_fill(slirp, &timeout, add_poll, this);
            if (fed) timeout = 0;
            int rc = ::poll(pfds.data(), pfds.size(), static_cast<int>(timeout));
            int err = rc < 0 && errno != EINTR;
            if (rc < 0) {
                for (auto& p : pfds) p.revents = 0;
            }
            slirp_pollfds_poll(slirp, err, get_revents, this);
            // Watches may be removed by their own callbacks: index by fd, not by position.
            std::vector<int> ready;
            for (size_t i = first_watch; i < watch_end; ++i)
                if (pfds[i].revents) ready.push_back(pfds[i].fd);
            fed = !ready.empty();
            for (int fd : ready) {
                auto it = std::find_if(watches.begin(), watches.end(),
                                       [&](auto& w) { return w.fd == fd; });
                if (it != watches.end()) {
                    auto cb = it->on_ready;
                    cb();
                }
            }
            if (pfds[0].revents & POLLIN) fed |= drain_queues();
            fire_timers();
        }
    }

    // libslirp callbacks ----------------------------------------------------------------
    static int add_poll(int fd, int events, void* opaque) {
        auto* self = static_cast<Impl*>(opaque);
        short ev = 0;
        if (events & SLIRP_POLL_IN) ev |= POLLIN;
        if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
        if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
        if (events & SLIRP_POLL_ERR) ev |= POLLERR;
        if (events & SLIRP_POLL_HUP) ev |= POLLHUP;
        self->pfds.push_back({fd, ev, 0});
        return static_cast<int>(self->pfds.size() - 1);
    }
    static int get_revents(int idx, void* opaque) {
        auto* self = static_cast<Impl*>(opaque);
        if (idx < 0 || static_cast<size_t>(idx) >= self->pfds.size()) return 0;
        short r = self->pfds[idx].revents;
        int out = 0;
        if (r & POLLIN) out |= SLIRP_POLL_IN;
        if (r & POLLOUT) out |= SLIRP_POLL_OUT;
        if (r & POLLPRI) out |= SLIRP_POLL_PRI;
        if (r & POLLERR) out |= SLIRP_POLL_ERR;
        if (r & POLLHUP) out |= SLIRP_POLL_HUP;
        return out;
    }
    static ssize_t send_packet(const void* buf, size_t len, void* opaque) {
        auto* self = static_cast<Impl*>(opaque);
        if (self->sink) self->sink->send_frame({static_cast<const uint8_t*>(buf), len});
        return static_cast<ssize_t>(len);
    }
    static void guest_error(const char* msg, void*) {
        spdlog::debug("slirp: guest error: {}", msg);
    }
    static int64_t clock_get_ns(void*) { return now_ns(); }
    static void* timer_new(SlirpTimerCb cb, void* cb_opaque, void* opaque) {
        auto* self = static_cast<Impl*>(opaque);
        self->timers.push_back(std::make_unique<Timer>(Timer{cb, cb_opaque, -1}));
        return self->timers.back().get();
    }
    static void timer_free(void* timer, void* opaque) {
        auto* self = static_cast<Impl*>(opaque);
        std::erase_if(self->timers, [&](auto& t) { return t.get() == timer; });
    }
    static void timer_mod(void* timer, int64_t expire_ms, void*) {
        static_cast<Timer*>(timer)->expire_ms = expire_ms;
    }
    static void register_poll_fd(int, void*) {}  // fds are collected afresh every iteration
    static void unregister_poll_fd(int, void*) {}
    static void notify(void* opaque) { static_cast<Impl*>(opaque)->kick(); }
};

namespace {
const SlirpCb callbacks = {
    .send_packet = SlirpStack::Impl::send_packet,
    .guest_error = SlirpStack::Impl::guest_error,
    .clock_get_ns = SlirpStack::Impl::clock_get_ns,
    .timer_new = SlirpStack::Impl::timer_new,
    .timer_free = SlirpStack::Impl::timer_free,
    .timer_mod = SlirpStack::Impl::timer_mod,
    .register_poll_fd = SlirpStack::Impl::register_poll_fd,
    .unregister_poll_fd = SlirpStack::Impl::unregister_poll_fd,
    .notify = SlirpStack::Impl::notify,
    .init_completed = nullptr,
    .timer_new_opaque = nullptr,
};
}  // namespace

Result<std::unique_ptr<SlirpStack>> SlirpStack::create(const NatConfig& config) {
    auto impl = std::make_unique<Impl>();
    impl->config = config;
    impl->wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!impl->wake) return fail_errno("eventfd");

    SlirpConfig cfg{};
    cfg.version = 4;
    cfg.restricted = config.restricted ? 1 : 0;
    cfg.in_enabled = true;
    cfg.vnetwork = TRY(parse_ip(config.network));
    cfg.vnetmask = TRY(parse_ip(config.netmask));
    cfg.vhost = TRY(parse_ip(config.gateway));
    cfg.vdhcp_start = TRY(parse_ip(config.dhcp_start));
    cfg.vnameserver = TRY(parse_ip(config.dns));
    // IPv6 stays off: the guest side is documented as IPv4 NAT, like VirtualBox's default.
    cfg.in6_enabled = false;
    cfg.vhostname = impl->config.hostname.empty() ? nullptr : impl->config.hostname.c_str();
    for (auto& d : impl->config.dns_search) impl->dns_search.push_back(d.c_str());
    impl->dns_search.push_back(nullptr);
    cfg.vdnssearch = impl->config.dns_search.empty() ? nullptr : impl->dns_search.data();
    cfg.if_mtu = config.mtu;
    cfg.if_mru = config.mtu;
    cfg.disable_host_loopback = false;  // 10.0.2.2 reaches the host's 127.0.0.1
    cfg.enable_emu = false;             // libslirp's protocol emulation is documented unsafe
    impl->slirp = slirp_new(&cfg, &callbacks, impl.get());
    if (!impl->slirp) return fail(ErrorKind::Internal, "libslirp refused the NAT configuration");
    return std::unique_ptr<SlirpStack>(new SlirpStack(std::move(impl)));
}

SlirpStack::SlirpStack(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SlirpStack::~SlirpStack() {
    stop();
}

Result<> SlirpStack::start() {
    if (impl_->running) return {};
    impl_->stopping = false;
    try {
        impl_->thread = std::thread([this] { impl_->loop(); });
    } catch (const std::system_error& e) {
        return fail(ErrorKind::Io, std::string("cannot start the NAT thread: ") + e.what());
    }
    impl_->running = true;
    return {};
}

void SlirpStack::stop() {
    if (!impl_->running) return;
    impl_->stopping = true;
    impl_->kick();
    impl_->thread.join();
    {
        std::lock_guard lk(impl_->mu);
        impl_->running = false;
    }
    impl_->drain_queues();  // commands queued meanwhile still complete (their callers wait)
}

void SlirpStack::input(std::span<const uint8_t> frame) {
    if (impl_->on_loop_thread()) {
        slirp_input(impl_->slirp, frame.data(), static_cast<int>(frame.size()));
        return;
    }
    {
        std::lock_guard lk(impl_->mu);
        impl_->frames.emplace_back(frame.begin(), frame.end());
    }
    impl_->kick();
}

void SlirpStack::set_sink(FrameSink* sink) {
    impl_->call([&] { impl_->sink = sink; });
}

Result<> SlirpStack::add_forward(const HostForward& f, PortReservation* reservation) {
    in_addr host = TRY(parse_ip(f.host_ip));
    in_addr guest = TRY(parse_ip(f.guest_ip));
    return impl_->call([&]() -> Result<> {
        // Only copies of our own socket can hold a reserved port: nothing else could bind it
        // meanwhile, nor pick it for a connection. They go as soon as their processes run,
        // which on a loaded host (sixteen machines starting) can take milliseconds.
        const bool reserved = reservation && reservation->held();
        if (reservation) reservation->release();
        auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (slirp_add_hostfwd(impl_->slirp, f.proto == Proto::Udp, host, f.host_port, guest,
                                 f.guest_port) != 0) {
            if (reserved && errno == EADDRINUSE && std::chrono::steady_clock::now() < give_up) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            return fail(ErrorKind::Busy, std::string("cannot forward ") + to_string(f.proto) + " " +
                                             f.host_ip + ":" + std::to_string(f.host_port) +
                                             " to the guest: the host port is in use");
        }
        return {};
    });
}

Result<> SlirpStack::remove_forward(Proto proto, const std::string& host_ip, int host_port) {
    in_addr host = TRY(parse_ip(host_ip));
    return impl_->call([&]() -> Result<> {
        if (slirp_remove_hostfwd(impl_->slirp, proto == Proto::Udp, host, host_port) != 0)
            return fail(ErrorKind::NotFound, std::string("no ") + to_string(proto) +
                                                 " forward on " + host_ip + ":" +
                                                 std::to_string(host_port));
        return {};
    });
}

void SlirpStack::watch_fd(int fd, std::function<void()> on_ready) {
    impl_->call([&] { impl_->watches.push_back({fd, std::move(on_ready)}); });
}

void SlirpStack::unwatch_fd(int fd) {
    impl_->call([&] { std::erase_if(impl_->watches, [&](auto& w) { return w.fd == fd; }); });
}

std::string SlirpStack::connection_info() {
    return impl_->call([&] {
        char* s = slirp_connection_info(impl_->slirp);
        std::string out = s ? s : "";
        std::free(s);
        return out;
    });
}

}  // namespace env::net

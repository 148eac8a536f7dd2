#pragma once
// A network namespace for an e2e test whose machines create host networks (bridges,
// veths), so that nothing touches the host's own; and, because the machines' NAT inside it
// reaches nothing outside, a relay for apt: a TCP listener on 127.0.0.1:port() inside the
// namespace (guests reach it as 10.0.2.2:port() through their NAT, and use it as apt's
// HTTP proxy) whose connections are joined, from the test's own namespace, to the mirror.
// An HTTP server takes a proxy's absolute-form request (RFC 9112 3.2.2), so joining bytes
// is enough. The destructor stops every relay thread and deletes the namespace.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <list>
#include <string>
#include <thread>

#include "tests/test_support.h"
#include "util/unique_fd.h"

namespace env::test {

class NetnsRelay {
public:
    // Creates namespace `name` with lo up; relays to host:port (resolved from this namespace).
    NetnsRelay(std::string name, std::string host, std::string port)
        : name_(std::move(name)), host_(std::move(host)), port_(std::move(port)) {
        ok_ = run("ip netns add " + name_ + " && ip netns exec " + name_ + " ip link set lo up")
                  .status == 0;
        if (!ok_) return;
        UniqueFd ns(::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC));
        // setns applies to the calling thread only: a socket made there stays in that
        // namespace whoever uses it later.
        std::thread([&] {
            if (ns.get() < 0 || ::setns(ns.get(), CLONE_NEWNET) != 0) return;
            listener_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            socklen_t len = sizeof a;
            if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
                ::listen(listener_.get(), 64) != 0 ||
                ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0)
                return;
            relay_port_ = ntohs(a.sin_port);
        }).join();
        int p[2];
        ok_ = relay_port_ > 0 && ::pipe2(p, O_CLOEXEC) == 0;
        if (!ok_) return;
        stop_r_ = UniqueFd(p[0]);
        stop_w_ = UniqueFd(p[1]);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~NetnsRelay() {
        if (stop_w_.get() >= 0) (void)!::write(stop_w_.get(), "x", 1);
        if (acceptor_.joinable()) acceptor_.join();
        for (auto& t : pumps_) t.join();
        run("ip netns del " + name_);
    }
    NetnsRelay(const NetnsRelay&) = delete;

    bool ok() const { return ok_; }
    int port() const { return relay_port_; }
    const std::string& name() const { return name_; }
    // Prefix for a command line to run inside the namespace. nsenter and not `ip netns
    // exec`, which remounts /sys in a new mount namespace and so hides the cgroup mounts.
    std::string wrap() const { return "nsenter --net=/run/netns/" + name_; }

private:
    void accept_loop() {
        for (;;) {
            pollfd f[2] = {{listener_.get(), POLLIN, 0}, {stop_r_.get(), POLLIN, 0}};
            if (::poll(f, 2, -1) < 0 && errno != EINTR) return;
            if (f[1].revents) return;
            if (!(f[0].revents & POLLIN)) continue;
            int c = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            pumps_.emplace_back([this, c] { pump(UniqueFd(c)); });
        }
    }
    UniqueFd connect_upstream() const {
        addrinfo hints{}, *res = nullptr;
        hints.ai_socktype = SOCK_STREAM;
        if (::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &res) != 0) return UniqueFd();
        UniqueFd s;
        for (auto* ai = res; ai; ai = ai->ai_next) {
            s = UniqueFd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0));
            if (s.get() >= 0 && ::connect(s.get(), ai->ai_addr, ai->ai_addrlen) == 0) break;
            s = UniqueFd();
        }
        ::freeaddrinfo(res);
        return s;
    }
    // Copies both ways until both sides have closed (or the relay stops), passing on each
    // side's end of stream as a half close.
    void pump(UniqueFd in) const {
        UniqueFd out = connect_upstream();
        if (out.get() < 0) return;
        int fds[2] = {in.get(), out.get()};
        bool open[2] = {true, true};
        char buf[65536];
        while (open[0] || open[1]) {
            pollfd f[3] = {{open[0] ? fds[0] : -1, POLLIN, 0},
                           {open[1] ? fds[1] : -1, POLLIN, 0},
                           {stop_r_.get(), POLLIN, 0}};
            if (::poll(f, 3, -1) < 0 && errno != EINTR) return;
            if (f[2].revents) return;
            for (int i = 0; i < 2; ++i) {
                if (!f[i].revents) continue;
                ssize_t n = ::read(fds[i], buf, sizeof buf);
                if (n <= 0) {
                    open[i] = false;
                    ::shutdown(fds[1 - i], SHUT_WR);
                    continue;
                }
                for (ssize_t off = 0; off < n;) {
                    // MSG_NOSIGNAL: a peer that went away is an error here, not SIGPIPE.
                    ssize_t w = ::send(fds[1 - i], buf + off, n - off, MSG_NOSIGNAL);
                    if (w <= 0) return;
                    off += w;
                }
            }
        }
    }

    std::string name_, host_, port_;
    bool ok_ = false;
    int relay_port_ = 0;
    UniqueFd listener_, stop_r_, stop_w_;
    std::thread acceptor_;
    std::list<std::thread> pumps_;  // only the acceptor adds; joined after it ends
};

}  // namespace env::test

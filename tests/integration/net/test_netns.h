#pragma once
// A network namespace for one test, named uniquely ("envt-<pid>-<n>") and deleted by the
// destructor, with helpers to run code or commands inside it. Code runs on a short-lived
// thread that setns()es into the namespace: sockets and tap fds created there stay bound
// to the namespace after the thread ends, so the test can use them from its own thread.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <sys/wait.h>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

namespace env::net::test {

inline int run(const std::string& command, std::string* output = nullptr) {
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return -1;
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = ::pclose(p);
    if (output) *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class TestNetns {
public:
    // Empty when namespaces can be made here; otherwise why not (for WARN + skip).
    static std::string unavailable() {
        if (::geteuid() != 0) return "needs root (creates a network namespace and a tap device)";
        if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is not available";
        if (run("ip -V") != 0) return "the ip command (iproute2) is missing";
        return "";
    }

    TestNetns() {
        static std::atomic<int> counter{0};
        name_ = "envt-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
        ok_ = run("ip netns add " + name_) == 0;
    }
    ~TestNetns() {
        if (ok_) run("ip netns del " + name_);
    }
    TestNetns(const TestNetns&) = delete;
    TestNetns& operator=(const TestNetns&) = delete;

    bool ok() const { return ok_; }
    const std::string& name() const { return name_; }

    // Runs fn() inside the namespace and returns its result.
    template <typename F>
    auto inside(F fn) -> decltype(fn()) {
        using R = decltype(fn());
        R result{};
        std::thread t([&] {
            int fd = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
                if (fd >= 0) ::close(fd);
                return;
            }
            ::close(fd);
            result = fn();
        });
        t.join();
        return result;
    }

    // Runs a shell command inside the namespace.
    int exec(const std::string& command, std::string* output = nullptr) const {
        return run("ip netns exec " + name_ + " sh -c '" + command + "'", output);
    }

private:
    std::string name_;
    bool ok_ = false;
};

}  // namespace env::net::test

#pragma once
// Runs env-vmm as a child process for the integration tests: start with arguments, wait
// with a timeout, read the console log, talk to the control socket. The destructor kills
// and reaps the child and removes its temporary directory, so a failing test leaks nothing.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"
#include "util/sys.h"

namespace env::kvm::test {

inline std::string vmm_binary() {
    return std::string(ENV_BINARY_DIR) + "/providers/kvm/env-vmm";
}
inline std::string guest_image(const std::string& name) {
    return std::string(ENV_BINARY_DIR) + "/tests/guest/" + name;
}

// Why a KVM test cannot run here, or empty.
inline std::string kvm_unavailable() {
    if (::access("/dev/kvm", R_OK | W_OK) != 0) return "/dev/kvm is missing or not accessible";
    return {};
}

// Ends the calling test case as skipped, saying why, where KVM cannot run.
#define KVM_SKIP_UNLESS_AVAILABLE()                                         \
    do {                                                                    \
        if (auto why_ = env::kvm::test::kvm_unavailable(); !why_.empty()) { \
            ENV_SKIP(why_);                                                 \
        }                                                                   \
    } while (0)

using env::test::TempDir;

class VmmProcess {
public:
    ~VmmProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    // stderr goes to <dir>/stderr.
    void start(const std::vector<std::string>& args) {
        console = dir.path + "/console.log";
        socket = dir.path + "/control.sock";
        std::vector<std::string> full = {vmm_binary(), "--console-log", console, "--control-socket",
                                         socket};
        full.insert(full.end(), args.begin(), args.end());
        std::string err = dir.path + "/stderr";
        pid_ = ::fork();
        if (pid_ == 0) {
            int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 2);
            ::dup2(fd, 1);
            std::vector<char*> argv;
            for (auto& a : full) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    // Exit status, or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        if (pid_ <= 0) return exited_;
        auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            int st = 0;
            pid_t r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_) {
                pid_ = -1;
                return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            if (std::chrono::steady_clock::now() > end) return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    pid_t pid() const { return pid_; }
    // Reaps the child when it has exited (a zombie still answers kill(pid, 0)); wait()
    // then returns its status.
    bool alive() {
        if (pid_ <= 0) return false;
        int st = 0;
        if (::waitpid(pid_, &st, WNOHANG) == pid_) {
            pid_ = -1;
            exited_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            return false;
        }
        return true;
    }
    std::string output() const { return sys::read_file(console).value_or(""); }
    std::string errors() const { return sys::read_file(dir.path + "/stderr").value_or(""); }
    // Waits until the console log contains `text`.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
        auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            if (output().find(text) != std::string::npos) return true;
            if (!alive()) return output().find(text) != std::string::npos;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    TempDir dir;
    std::string console, socket;

private:
    pid_t pid_ = -1;
    std::optional<int> exited_;  // set when alive() reaped the child
};

// A control-socket connection.
class Control {
public:
    explicit Control(const std::string& path) {
        for (int i = 0; i < 200 && fd_ < 0; ++i) {
            int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un a{};
            a.sun_family = AF_UNIX;
            std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
            if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
                fd_ = fd;
                break;
            }
            ::close(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    ~Control() {
        if (fd_ >= 0) ::close(fd_);
    }
    bool connected() const { return fd_ >= 0; }
    void send_raw(const std::string& s) { (void)!::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
    std::string read_line(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
        auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto nl = buf_.find('\n');
            if (nl != std::string::npos) {
                std::string line = buf_.substr(0, nl);
                buf_.erase(0, nl + 1);
                return line;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return {};
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, int(left.count())) <= 0) return {};
            char b[4096];
            ssize_t n = ::recv(fd_, b, sizeof b, 0);
            if (n <= 0) return {};
            buf_.append(b, size_t(n));
        }
    }
    nlohmann::json request(const std::string& cmd) {
        send_raw(nlohmann::json{{"cmd", cmd}}.dump() + "\n");
        auto line = read_line();
        return line.empty() ? nlohmann::json() : nlohmann::json::parse(line, nullptr, false);
    }
    std::string pending() const { return buf_; }

private:
    int fd_ = -1;
    std::string buf_;
};

inline std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < s.size()) {
        size_t nl = s.find('\n', start);
        if (nl == std::string::npos) nl = s.size();
        out.push_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

}  // namespace env::kvm::test

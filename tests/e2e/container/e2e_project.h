#pragma once
// One e2e scenario: its own ENV_HOME and project directory in a temporary directory, the
// busybox box (built once with boxes/busybox/build.sh and cached in the build directory)
// added to that ENV_HOME, and `env` run in the project. The destructor destroys whatever
// the test left, so a failing test leaks nothing either.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/test_support.h"
#include "util/sys.h"
#include "util/unique_fd.h"

namespace env::test {

// Why the e2e tests cannot run here, "" when they can.
inline std::string e2e_skip_reason() {
    if (::geteuid() != 0) return "container e2e tests need root";
    if (!sys::exists("/dev/net/tun")) return "/dev/net/tun is missing";
    if (!sys::exists("/bin/busybox") || !sys::exists("/usr/sbin/dropbear"))
        return "the busybox box needs busybox-static and dropbear-bin installed";
    return "";
}

// The busybox .box, built on first use into the build dir (under a lock: ctest -j).
inline std::string busybox_box() {
    std::string dir = std::string(ENV_BINARY_DIR) + "/e2e-boxes";
    std::string box = dir + "/busybox-1.0.0-container.box";
    (void)sys::make_dirs(dir);
    UniqueFd lock(::open((dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    ::flock(lock.get(), LOCK_EX);
    if (!sys::exists(box)) {
        auto r = run(std::string(ENV_SOURCE_DIR) + "/boxes/busybox/build.sh " + dir);
        INFO(r.err);
        REQUIRE(r.status == 0);
    }
    return box;
}

// A TCP port free on 127.0.0.1 right now (for `ports:` entries).
inline int free_port() {
    UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
}

class E2eProject {
public:
    explicit E2eProject(const std::string& envfile) {
        home_ = tmp_ / "home";
        dir_ = tmp_ / "project";
        REQUIRE(sys::make_dirs(dir_));
        REQUIRE(sys::write_file_atomic(dir_ + "/Envfile", envfile));
        auto r = env("box add busybox " + busybox_box());
        INFO(r.err);
        REQUIRE(r.status == 0);
    }
    // A project on another box (`env box add BOX SOURCE`); `wrap` prefixes every `env` run
    // (e.g. "ip netns exec NS" for a test whose machines create host networks).
    E2eProject(const std::string& envfile, const std::string& box, const std::string& source,
               std::string wrap = "")
        : wrap_(std::move(wrap)) {
        home_ = tmp_ / "home";
        dir_ = tmp_ / "project";
        REQUIRE(sys::make_dirs(dir_));
        REQUIRE(sys::write_file_atomic(dir_ + "/Envfile", envfile));
        auto r = env("box add " + box + " " + source);
        INFO(r.err);
        REQUIRE(r.status == 0);
    }
    ~E2eProject() { env("destroy -f"); }

    // `env ARGS` in the project directory.
    RunResult env(const std::string& args) const {
        return run("cd " + dir_ + " && ENV_HOME=" + home_ + " " + wrap_ + " " + env_binary() + " " +
                   args);
    }
    // A shell command line with `env` meaning our binary, for pipelines and background jobs.
    RunResult shell(const std::string& cmd) const {
        return run("cd " + dir_ + " && export ENV_HOME=" + home_ + " && env_() { " + wrap_ + " " +
                   env_binary() + " \"$@\"; } && " + cmd);
    }
    std::string ssh(const std::string& machine, const std::string& cmd) const {
        auto r = env("ssh " + machine + " -c '" + cmd + "'");
        INFO(r.err);
        CHECK(r.status == 0);
        return r.out;
    }
    const std::string& dir() const { return dir_; }
    const std::string& home() const { return home_; }
    std::string machine_dir(const std::string& m) const {
        return dir_ + "/.envstate/machines/" + m;
    }
    const TempDir& tmp() const { return tmp_; }

private:
    TempDir tmp_;
    std::string home_, dir_, wrap_;
};

// Adds a variant of the busybox box as `name`: `edit` is shell run in the unpacked box
// (metadata.json, rootfs/) before it is packed again.
inline void add_box_variant(const E2eProject& p, const std::string& name, const std::string& edit) {
    std::string stage = p.tmp() / name;
    auto r = run("mkdir -p " + stage + " && tar -xzf " + busybox_box() + " -C " + stage +
                 " && cd " + stage + " && " + edit + " && tar -czf ../" + name + ".box .");
    INFO(r.err);
    REQUIRE(r.status == 0);
    REQUIRE(p.env("box add " + name + " " + p.tmp() / (name + ".box")).status == 0);
}

inline std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

// The pid of machine m's supervisor, from its pid file (0 when there is none).
inline pid_t supervisor_pid(const E2eProject& p, const std::string& m) {
    auto text = env::sys::read_file(p.machine_dir(m) + "/supervisor.pid");
    if (!text) return 0;
    return nlohmann::json::parse(*text).value("supervisor", 0);
}

// Running (a zombie waiting for a reaper that is not ours counts as gone).
inline bool alive(pid_t pid) {
    auto stat = env::sys::read_file("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return false;
    auto close = stat->rfind(')');
    return close == std::string::npos || stat->substr(close + 2, 1) != "Z";
}

}  // namespace env::test

#define E2E_SKIP_UNLESS_USABLE()                     \
    do {                                             \
        auto reason_ = env::test::e2e_skip_reason(); \
        if (!reason_.empty()) {                      \
            ENV_SKIP(reason_);                       \
        }                                            \
    } while (0)

#include "providers/container/supervisor/container_process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "host/fd_io.h"
#include "host/tap_device.h"
#include "providers/container/capabilities.h"
#include "providers/container/machine_files.h"
#include "providers/container/supervisor/mini_init.h"
#include "providers/container/supervisor/rootfs.h"
#include "util/sys.h"

namespace env::container {
namespace {

constexpr int kSyncFd = 3;

void send_msg(const std::string& m) {
    ::send(kSyncFd, m.data(), m.size(), MSG_NOSIGNAL);
}

Result<> attach_console() {
    // A session of its own with the console as controlling terminal, like a booted system.
    int fd = ::open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0) return fail_errno("open /dev/console");
    termios t;
    if (::tcgetattr(fd, &t) == 0) {
        t.c_oflag &= ~static_cast<tcflag_t>(ONLCR);  // console.log gets \n, not \r\n
        ::tcsetattr(fd, TCSANOW, &t);
    }
    if (::setsid() < 0) return fail_errno("setsid");
    if (::ioctl(fd, TIOCSCTTY, 0) != 0) return fail_errno("TIOCSCTTY /dev/console");
    for (int i = 0; i < 3; ++i)
        if (::dup2(fd, i) < 0) return fail_errno("dup2 console");
    if (fd > 2) ::close(fd);
    return {};
}

// The supervisor's answer and the descriptor it sends; -1 when it went away.
int recv_fd_blocking(std::string* tag) {
    auto r = host::receive_with_fd(kSyncFd, 64);
    if (!r || r->data.empty() || !r->fd) return -1;
    *tag = r->data;
    return r->fd.release();
}
// lower_fd: user-namespace mode, the box's rootfs id-mapped by the supervisor (-1: none).
Result<> setup(const ContainerSpec& spec, int lower_fd) {
    const SupervisorConfig& c = *spec.config;
    if (::unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) != 0)
        return fail_errno("unshare");
    if (::sethostname(c.hostname.data(), c.hostname.size()) != 0)
        return fail_errno("sethostname " + c.hostname);
    TRY(host::bring_up_loopback());
    // The supervisor makes eth0 in this namespace now (see netns_ready()): host root may
    // open /dev/net/tun, which is often 0600, while our root in user-namespace mode may not.
    send_msg("N");
    // Nothing we mount may propagate back to the host.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return fail_errno("make / private");
    // The supervisor's cwd is the state dir. In a user namespace our root is an unprivileged
    // host user who may not search the directories above it (home directories are often
    // 0700), so the state dir's entries are named relative to it.
    MachineFiles files{c.user_namespace ? "." : c.state_dir};
    std::string lower = c.lower_dir;
    if (lower_fd >= 0) {
        if (::move_mount(lower_fd, "", AT_FDCWD, files.lower().c_str(), MOVE_MOUNT_F_EMPTY_PATH) !=
            0)
            return fail_errno("attach the id-mapped box at " + files.lower());
        ::close(lower_fd);
        lower = files.lower();
    }
    TRY(mount_overlay({lower, files.upper(), files.work(), files.rootfs(), lower_fd >= 0}));
    TRY(apply_mount_plan(files.rootfs(), spec.plan, spec.console_slave));
    char go = 0;
    if (::recv(kSyncFd, &go, 1, 0) != 1 || go != 'G')
        return fail(ErrorKind::Provider, "supervisor went away");
    // Now inside the machine's cgroup: make it this namespace's root, then mount the
    // cgroup filesystems, which show the mounter's cgroup namespace.
    if (::unshare(CLONE_NEWCGROUP) != 0) return fail_errno("unshare cgroup namespace");
    TRY(apply_mount_plan(files.rootfs(), spec.cgroup_plan, spec.console_slave));
    TRY(pivot_into(files.rootfs()));
    TRY(attach_console());
    TRY(apply_capabilities(c.capabilities, spec.last_cap));
    if (c.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return fail_errno("PR_SET_NO_NEW_PRIVS");
    ::clearenv();
    for (auto& e : c.env) ::putenv(const_cast<char*>(e.c_str()));
    return {};
}

[[noreturn]] void fail_child(const std::string& what) {
    send_msg("E" + what);
    ::_exit(1);
}

[[noreturn]] void run_init(const ContainerSpec& spec, int lower_fd) {
    auto ok = setup(spec, lower_fd);
    if (!ok) fail_child(ok.error().what());
    const SupervisorConfig& c = *spec.config;
    send_msg("R");
    if (!c.init.empty()) {
        exec_with_env(c.init, c.env);
        fail_child(std::string("cannot exec ") + c.init[0] + ": " + std::strerror(errno));
    }
    run_mini_init(c.command, kSyncFd);
}

// User-namespace mode. This process (in the supervisor's pid namespace) creates the user
// namespace, lets the supervisor write its id maps and id-map the box, becomes root in it,
// and forks pid 1 into a pid namespace that the new user namespace owns (so that pid 1
// may mount /proc). It then stays as a shim whose exit tells the supervisor pid 1 ended.
[[noreturn]] void userns_shim(const ContainerSpec& spec) {
    if (::unshare(CLONE_NEWUSER) != 0)
        fail_child(std::string("unshare user namespace: ") + std::strerror(errno));
    send_msg("U");
    std::string tag;
    int lower_fd = recv_fd_blocking(&tag);
    if (lower_fd < 0 || tag != "M") ::_exit(1);  // the supervisor went away
    if (::setresgid(0, 0, 0) != 0 || ::setgroups(0, nullptr) != 0 || ::setresuid(0, 0, 0) != 0)
        fail_child(std::string("become root in the user namespace: ") + std::strerror(errno));
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // credential changes clear it
    if (::unshare(CLONE_NEWPID) != 0)
        fail_child(std::string("unshare pid namespace: ") + std::strerror(errno));
    // pid 1 holds back until the supervisor knows its pid, so that "P" comes first.
    int hold[2];
    if (::pipe2(hold, O_CLOEXEC) != 0) fail_child(std::string("pipe: ") + std::strerror(errno));
    pid_t init = ::fork();
    if (init < 0) fail_child(std::string("fork pid 1: ") + std::strerror(errno));
    if (init == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::close(hold[1]);
        char x;
        if (::read(hold[0], &x, 1) != 1) ::_exit(1);
        ::close(hold[0]);
        run_init(spec, lower_fd);
    }
    ::close(lower_fd);
    ::close(hold[0]);
    send_msg("P" + std::to_string(init));
    (void)!::write(hold[1], "x", 1);
    ::close(hold[1]);
    ::close(kSyncFd);
    int status = 0;
    while (::waitpid(init, &status, 0) < 0 && errno == EINTR) {
    }
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

[[noreturn]] void child_main(const ContainerSpec& spec) {
    // Dies with the supervisor: a machine whose supervisor was killed must not keep
    // running unsupervised (its init dying takes the whole pid namespace with it). Should
    // the supervisor die before this line, the "go" below never comes: recv sees EOF.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The supervisor blocks and ignores signals for its own loop; the init starts clean.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s = 1; s < NSIG; ++s)
        if (s != SIGKILL && s != SIGSTOP) ::signal(s, SIG_DFL);
    if (spec.config->user_namespace) userns_shim(spec);
    run_init(spec, -1);
}

}  // namespace

namespace {

// One message from the child (a descriptor it carries is closed); "" on EOF.
Result<std::string> recv_message(int sock, int timeout_ms) {
    if (!TRY(host::wait_readable(sock, host::deadline_in(timeout_ms))))
        return fail(ErrorKind::Provider, "the container did not answer in time");
    auto r = host::receive_with_fd(sock);
    if (!r) return std::unexpected(r.error().context("read from the container"));
    if (!r->data.empty() && r->data[0] == 'E')
        return fail(ErrorKind::Provider, "container setup: " + r->data.substr(1));
    return std::move(r->data);
}

// The supervisor's half of user-namespace mode: id maps for the new namespace, and the
// box's rootfs as an id-mapped mount (mount_setattr MOUNT_ATTR_IDMAP, Linux 5.12; under an
// overlay 5.19), so that host root's files appear owned by the container's root.
Result<pid_t> userns_handshake(int sock, pid_t shim, const SupervisorConfig& c) {
    auto u = TRY(recv_message(sock, 10000));
    if (u != "U")
        return fail(ErrorKind::Provider, "the container did not create its user namespace");
    std::string proc = "/proc/" + std::to_string(shim);
    std::string map = "0 " + std::to_string(c.id_base) + " " + std::to_string(c.id_count) + "\n";
    for (auto* f : {"/uid_map", "/gid_map"}) {
        UniqueFd fd = TRY(sys::open(proc + f, O_WRONLY));
        if (::write(fd.get(), map.data(), map.size()) != static_cast<ssize_t>(map.size()))
            return fail_errno("write " + proc + f);
    }
    UniqueFd userns = TRY(sys::open(proc + "/ns/user", O_RDONLY));
    UniqueFd tree(::open_tree(AT_FDCWD, c.lower_dir.c_str(),
                              OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
    if (!tree) return fail_errno("open_tree " + c.lower_dir);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns.get());
    if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0)
        return fail_errno("id-map " + c.lower_dir +
                          " (needs Linux 5.19 and a filesystem that supports it)");
    if (auto sent = host::send_with_fd(sock, "M", tree.get()); !sent)
        return std::unexpected(sent.error().context("send to the container"));
    auto p = recv_message(sock, 10000);
    if (!p) return std::unexpected(p.error());
    long pid = p->size() > 1 && (*p)[0] == 'P' ? std::strtol(p->c_str() + 1, nullptr, 10) : 0;
    if (pid <= 0) return fail(ErrorKind::Provider, "the container did not start its pid 1");
    return static_cast<pid_t>(pid);
}

}  // namespace

Result<ContainerProcess> ContainerProcess::start(const ContainerSpec& spec,
                                                 const Placement& place) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return fail_errno("socketpair");
    UniqueFd parent_end(sv[0]), child_end(sv[1]);

    // unshare(CLONE_NEWPID) puts the *next* child into a new pid namespace; fork() keeps
    // glibc's per-process state right (a raw clone would not). Afterwards the supervisor
    // returns to its own namespace for children, or it could not create threads later.
    // (In user-namespace mode the shim makes the pid namespace itself.)
    const bool userns = spec.config->user_namespace;
    UniqueFd own_pidns(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    if (!own_pidns) return fail_errno("open /proc/self/ns/pid");
    if (!userns && ::unshare(CLONE_NEWPID) != 0) return fail_errno("unshare pid namespace");
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::dup2(child_end.get(), kSyncFd) < 0) ::_exit(1);
        ::fcntl(kSyncFd, F_SETFD, FD_CLOEXEC);
        // Into the machine's cgroup before anything else, while we are one thread.
        for (int fd : spec.join_fds)
            if (::write(fd, "0", 1) != 1)
                fail_child(std::string("join the machine's cgroup: ") + std::strerror(errno));
        ::close_range(kSyncFd + 1, ~0U, 0);
        child_main(spec);
    }
    int fork_errno = errno;
    if (!userns && ::setns(own_pidns.get(), CLONE_NEWPID) != 0) {
        if (pid > 0) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0);
        return fail_errno("return to the supervisor's pid namespace");
    }
    if (pid < 0) {
        errno = fork_errno;
        return fail_errno("fork the container");
    }
    ContainerProcess p;
    p.pid_ = p.wait_pid_ = pid;
    p.sync_ = std::move(parent_end);
    child_end.reset();
    auto placed = place ? place(pid) : Result<>{};
    auto init =
        placed ? (userns ? userns_handshake(p.sync_.get(), pid, *spec.config) : Result<pid_t>(pid))
               : std::unexpected(placed.error());
    if (!init) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        return std::unexpected(init.error());
    }
    p.pid_ = *init;
    return p;
}

Result<> ContainerProcess::netns_ready(int timeout_ms) {
    auto n = TRY(recv_message(sync_.get(), timeout_ms));
    if (n != "N")
        return fail(ErrorKind::Provider,
                    n.empty() ? "the container exited during setup (see supervisor.log)"
                              : "the container did not make its network namespace");
    return {};
}

Result<> ContainerProcess::release() {
    if (::send(sync_.get(), "G", 1, MSG_NOSIGNAL) == 1) return {};
    // A child that failed (joining its cgroup, say) is gone: wait_running() reports why.
    if (errno == EPIPE || errno == ECONNRESET) return {};
    return fail_errno("release the container");
}

Result<> ContainerProcess::wait_running(int timeout_ms) {
    auto deadline = host::deadline_in(timeout_ms);
    bool ready = false;
    for (;;) {
        if (!TRY(host::wait_readable(sync_.get(), deadline)))
            return fail(ErrorKind::Provider,
                        "the container did not start within " + std::to_string(timeout_ms) + " ms");
        auto r = host::receive_with_fd(sync_.get());
        if (!r) return std::unexpected(r.error().context("read from the container"));
        const std::string& m = r->data;
        if (m.empty()) {
            if (ready) return {};
            return fail(ErrorKind::Provider,
                        "the container exited during setup (see supervisor.log)");
        }
        if (m[0] == 'E') return fail(ErrorKind::Provider, "container setup: " + m.substr(1));
        if (m[0] == 'R') ready = true;
    }
}

}  // namespace env::container

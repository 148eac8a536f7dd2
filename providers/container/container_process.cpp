#include "providers/container/container_process.h"

#include <fcntl.h>
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

#include "providers/container/capabilities.h"
#include "providers/container/machine_files.h"
#include "providers/container/mini_init.h"
#include "providers/container/rootfs.h"
#include "providers/container/tap_device.h"

namespace env::container {
namespace {

constexpr int kSyncFd = 3;

void send_msg(const std::string& m) {
    ::send(kSyncFd, m.data(), m.size(), MSG_NOSIGNAL);
}

Result<> send_fd(int fd) {
    char tag = 'T';
    iovec iov{&tag, 1};
    alignas(cmsghdr) char buf[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = buf;
    msg.msg_controllen = sizeof buf;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (::sendmsg(kSyncFd, &msg, MSG_NOSIGNAL) != 1) return fail_errno("send the tap fd");
    return {};
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

Result<> setup(const ContainerSpec& spec) {
    const SupervisorConfig& c = *spec.config;
    if (::unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) != 0)
        return fail_errno("unshare");
    if (::sethostname(c.hostname.data(), c.hostname.size()) != 0)
        return fail_errno("sethostname " + c.hostname);
    TRY(bring_up_loopback());
    if (c.network) {
        UniqueFd tap = TRY(create_tap(TapConfig{}));
        TRY(send_fd(tap.get()));
    }
    // Nothing we mount may propagate back to the host.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return fail_errno("make / private");
    MachineFiles files{c.state_dir};
    TRY(mount_overlay({c.lower_dir, files.upper(), files.work(), files.rootfs()}));
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
    auto ok = setup(spec);
    if (!ok) {
        send_msg("E" + ok.error().what());
        ::_exit(1);
    }
    const SupervisorConfig& c = *spec.config;
    send_msg("R");
    if (!c.init.empty()) {
        exec_with_env(c.init, c.env);
        send_msg(std::string("Ecannot exec ") + c.init[0] + ": " + std::strerror(errno));
        ::_exit(127);
    }
    run_mini_init(c.command, kSyncFd);
}

}  // namespace

Result<ContainerProcess> ContainerProcess::start(const ContainerSpec& spec) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return fail_errno("socketpair");
    UniqueFd parent_end(sv[0]), child_end(sv[1]);

    // unshare(CLONE_NEWPID) puts the *next* child into a new pid namespace; fork() keeps
    // glibc's per-process state right (a raw clone would not). Afterwards the supervisor
    // returns to its own namespace for children, or it could not create threads later.
    UniqueFd own_pidns(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    if (!own_pidns) return fail_errno("open /proc/self/ns/pid");
    if (::unshare(CLONE_NEWPID) != 0) return fail_errno("unshare pid namespace");
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::dup2(child_end.get(), kSyncFd) < 0) ::_exit(1);
        ::fcntl(kSyncFd, F_SETFD, FD_CLOEXEC);
        ::close_range(kSyncFd + 1, ~0U, 0);
        child_main(spec);
    }
    int fork_errno = errno;
    if (::setns(own_pidns.get(), CLONE_NEWPID) != 0) {
        if (pid > 0) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0);
        return fail_errno("return to the supervisor's pid namespace");
    }
    if (pid < 0) {
        errno = fork_errno;
        return fail_errno("fork the container");
    }
    ContainerProcess p;
    p.pid_ = pid;
    p.sync_ = std::move(parent_end);
    return p;
}

Result<> ContainerProcess::release() {
    if (::send(sync_.get(), "G", 1, MSG_NOSIGNAL) != 1) return fail_errno("release the container");
    return {};
}

Result<UniqueFd> ContainerProcess::wait_running(int timeout_ms) {
    using namespace std::chrono;
    auto deadline = steady_clock::now() + milliseconds(timeout_ms);
    UniqueFd tap;
    bool ready = false;
    for (;;) {
        auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        if (left <= 0)
            return fail(ErrorKind::Provider,
                        "the container did not start within " + std::to_string(timeout_ms) + " ms");
        pollfd p{sync_.get(), POLLIN, 0};
        int n = ::poll(&p, 1, static_cast<int>(left));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_errno("poll");
        if (n == 0) continue;
        char buf[4096];
        alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
        iovec iov{buf, sizeof buf};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf;
        msg.msg_controllen = sizeof cbuf;
        ssize_t len = ::recvmsg(sync_.get(), &msg, MSG_CMSG_CLOEXEC);
        if (len < 0 && errno == EINTR) continue;
        if (len < 0) return fail_errno("read from the container");
        if (len == 0) {
            if (ready) return tap;
            return fail(ErrorKind::Provider,
                        "the container exited during setup (see supervisor.log)");
        }
        if (buf[0] == 'E')
            return fail(ErrorKind::Provider,
                        "container setup: " + std::string(buf + 1, static_cast<size_t>(len - 1)));
        if (buf[0] == 'R') ready = true;
        if (buf[0] == 'T') {
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            if (!c || c->cmsg_type != SCM_RIGHTS)
                return fail(ErrorKind::Provider, "the container sent no tap fd");
            int fd;
            std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
            tap.reset(fd);
        }
    }
}

}  // namespace env::container

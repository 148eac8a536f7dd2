#pragma once
// The container's pid 1 and how it comes to life. The supervisor forks it into a new pid
// namespace; the child enters new mount, uts, ipc and network namespaces, sets the
// hostname, creates eth0 and builds the overlay root while the supervisor moves it into its
// cgroup (on cgroup v1 it moves itself first thing instead: see join_fds), then waits for
// the supervisor's go, enters a new cgroup namespace (so its cgroup
// is its "/"), mounts the cgroup filesystems, pivots into the new root, attaches the
// console, drops capabilities and sets no_new_privs, and finally execs the box's init or
// becomes our small init (mini_init.h).
//
// Child -> supervisor messages on a SOCK_SEQPACKET pair: "T" + fd (the tap), "R" (about to
// exec), "E<message>" (setup failed). The socket is close-on-exec, so EOF after "R" means
// the init (or the command our init starts) is running.
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "providers/container/mount_plan.h"
#include "providers/container/supervisor_config.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace env::container {

struct ContainerSpec {
    const SupervisorConfig* config = nullptr;
    std::vector<MountOp> plan;         // built while the supervisor sets up the cgroup
    std::vector<MountOp> cgroup_plan;  // after entering the cgroup namespace
    std::string console_slave;         // host path of the console pty's slave
    int last_cap = 40;
    // Open cgroup files (Cgroup::self_placement_files) the fresh child writes "0" into
    // before anything else, moving itself into its cgroup; empty: the supervisor places it.
    std::vector<int> join_fds;
};

class ContainerProcess {
public:
    // Puts the fresh child into the machine's cgroup before it can fork anything.
    using Placement = std::function<Result<>(pid_t)>;
    // Forks the child, places it, and in user-namespace mode completes the id-mapping
    // handshake; the child waits for release() before entering its cgroup namespace.
    static Result<ContainerProcess> start(const ContainerSpec& spec, const Placement& place);

    // Host pid of the container's pid 1 (signal this one).
    pid_t pid() const { return pid_; }
    // The supervisor's child whose exit means pid 1 ended: pid 1 itself, or in
    // user-namespace mode the shim that forked it (waitpid this one).
    pid_t wait_pid() const { return wait_pid_; }
    // Waits until the child has made its network namespace (the supervisor then makes
    // eth0 in it, before release()).
    Result<> netns_ready(int timeout_ms);
    Result<> release();
    // Until the init runs (EOF after "R"), an error arrives, or the timeout passes.
    Result<> wait_running(int timeout_ms);

private:
    pid_t pid_ = -1;
    pid_t wait_pid_ = -1;
    UniqueFd sync_;
};

}  // namespace env::container

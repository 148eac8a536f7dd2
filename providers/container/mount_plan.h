#pragma once
// What the container's root filesystem looks like, as data: the list of mounts, nodes and
// links made under the new root before pivot_root. Computing it is pure (unit-tested);
// rootfs.cpp carries it out, resolving every target inside the new root so that a
// symlink in a box can never redirect a mount onto the host.
//
//   /            overlay: lower = the box's rootfs (read-only), upper/work in the state dir
//   /proc        proc (this pid namespace), nosuid,nodev,noexec; as Docker does, /proc/sys
//                read-only but for net/ (the only part scoped to the container's
//                namespaces), bus, fs and irq read-only, and kcore, keys, timer_list,
//                sysrq-trigger hidden under /dev/null: they reach the host's kernel
//   /sys         sysfs read-only; /sys/fs/cgroup shows the machine's own cgroup, read-only
//   /dev         tmpfs with null zero full random urandom tty (bound from the host),
//                console (the supervisor's pty), pts (private devpts), ptmx -> pts/ptmx,
//                shm (tmpfs), fd/stdin/stdout/stderr -> /proc/self/fd
//   synced folders, bind-mounted (recursively) in order of depth
//   masked paths  an empty read-only tmpfs over each (the project's .envstate under /env)
#include <string>
#include <vector>

#include "host/cgroup.h"
#include "util/error.h"

namespace env::container {

struct BindMount {
    std::string source;  // absolute host path
    std::string target;  // absolute path inside the container
    bool readonly = false;
};

using host::CgroupMount;  // the cgroup backend's (host/cgroup.h)

struct MountOp {
    enum class Kind { Mount, Remount, MakeDir, MakeFile, Symlink };
    Kind kind = Kind::Mount;
    std::string source;  // host path (binds), fs name, or link target
    std::string target;  // relative to the new root, never starting with '/'
    std::string fstype;
    unsigned long flags = 0;
    std::string data;
    // Binds: a source without a leading '/' is a path inside the new root (proc/sys onto
    // itself); the target is a file, not a directory.
    bool file = false;
    // Skipped when the target does not exist (a /proc entry this kernel was built without).
    bool optional = false;
};

struct RootfsInputs {
    std::vector<BindMount> binds;
    // Absolute paths inside the container, under a synced folder, hidden by an empty
    // read-only tmpfs once the folders are bound.
    std::vector<std::string> masked;
    std::vector<CgroupMount> cgroups;
    bool cgroup_v2 = false;  // one cgroup2 mount at sys/fs/cgroup instead of a tmpfs of v1 mounts
    bool console = false;    // bind the supervisor's pty at dev/console (source filled in later)
    // A user namespace may not mount cgroup v1 hierarchies: the machine's own cgroup
    // directories are bound instead (same view: they are the root of its cgroup namespace).
    bool user_namespace = false;
};

// "/env//x/" -> "env/x". Rejects relative paths, "..", and the root itself.
Result<std::string> normalize_target(const std::string& absolute);

Result<std::vector<MountOp>> plan_rootfs(const RootfsInputs& in);
// The cgroup filesystems under /sys/fs/cgroup: kept apart because they must be mounted
// after the container has entered its cgroup namespace, while the rest of the root is
// built in parallel with the supervisor moving the container into its cgroup.
std::vector<MountOp> plan_cgroup_mounts(const RootfsInputs& in);

// The host device nodes bound into /dev.
const std::vector<std::string>& dev_nodes();

}  // namespace env::container

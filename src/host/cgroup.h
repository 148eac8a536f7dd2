#pragma once
// A machine's cgroup, named env-<project>-<machine> at the top of the host's hierarchy (or
// hierarchies), holding the machine's processes (a container's, or a VMM's) and its limits. Two
// implementations behind this one interface: cgroup_v1.cpp (one directory per controller hierarchy,
// as on hybrid hosts such as the development machines) and cgroup_v2.cpp (the unified tree of
// systemd hosts). Which one applies is read from /proc/self/mountinfo.
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/cgroup_limits.h"
#include "util/error.h"

namespace env::host {

// The controllers env manages for a machine.
inline const std::vector<std::string>& managed_controllers() {
    static const std::vector<std::string> c = {"cpuset", "cpu", "memory", "pids"};
    return c;
}

// A cgroup filesystem to mount inside a container (from the cgroup backend).
struct CgroupMount {
    std::string fstype;    // "cgroup" or "cgroup2"
    std::string data;      // "memory", "cpu", ... for v1; "" for v2
    std::string target;    // relative to the new root, e.g. "sys/fs/cgroup/memory"
    std::string host_dir;  // the machine's cgroup directory on the host (v1)
};

struct CgroupLayout {
    bool v2 = false;
    std::string v2_root;  // mount point of the unified hierarchy (v2 only)
    struct V1Hierarchy {
        std::string mount_point;  // e.g. /sys/fs/cgroup/cpu,cpuacct
        std::string options;      // the hierarchy's controllers, e.g. "cpu,cpuacct"
    };
    std::map<std::string, V1Hierarchy> v1;  // managed controller -> its hierarchy
};

// Hybrid hosts (v1 controllers plus an empty unified mount) count as v1: the controllers
// live where they are bound.
Result<CgroupLayout> detect_cgroup_layout(std::string_view mountinfo);

class Cgroup {
public:
    virtual ~Cgroup() = default;
    virtual bool v2() const = 0;
    // Makes the directories and writes the limits. Existing directories are reused.
    virtual Result<> create(const CgroupLimits& limits) = 0;
    virtual Result<> add(pid_t pid) = 0;
    // Files a process writes "0" into to move itself here, or none (then add() it). On v1
    // these are the `tasks` files: a thread moving itself skips the global lock that a
    // write to cgroup.procs takes, whose RCU grace period costs 7-15 ms (more on a loaded
    // host). For a single-threaded process only: its one thread is then the whole process.
    virtual std::vector<std::string> self_placement_files() const { return {}; }
    // Every process in the cgroup, from whichever hierarchy lists them.
    virtual Result<std::vector<pid_t>> procs() const = 0;
    virtual bool exists() const = 0;
    // Kills what is still inside (SIGKILL), waits for it to go, removes the directories.
    // Idempotent: a missing cgroup is fine.
    virtual Result<> remove() = 0;
    // The cgroup filesystems to mount read-only inside a container.
    virtual std::vector<CgroupMount> inner_mounts() const = 0;
    // Host directories, for messages and leak checks.
    virtual std::vector<std::string> paths() const = 0;
};

std::unique_ptr<Cgroup> make_cgroup_v1(const CgroupLayout& layout, const std::string& name);
std::unique_ptr<Cgroup> make_cgroup_v2(const std::string& root, const std::string& name);
std::unique_ptr<Cgroup> make_cgroup(const CgroupLayout& layout, const std::string& name);
// The host's layout from /proc/self/mountinfo.
Result<std::unique_ptr<Cgroup>> open_host_cgroup(const std::string& name);

std::string cgroup_name(const std::string& project, const std::string& machine);

// Shared by both implementations.
Result<> write_cgroup_value(const std::string& path, const std::string& value);
Result<std::vector<pid_t>> read_cgroup_procs(const std::string& dir);
Result<> kill_and_remove_dirs(const std::vector<std::string>& dirs);

}  // namespace env::host

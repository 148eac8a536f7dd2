// cgroup v2: one unified tree (Documentation/admin-guide/cgroup-v2.rst).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "host/cgroup.h"
#include "util/sys.h"

namespace env::host {
namespace {

class CgroupV2 final : public Cgroup {
public:
    CgroupV2(std::string root, std::string name)
        : root_(std::move(root)), dir_(root_ + "/" + name) {}

    bool v2() const override { return true; }

    Result<> create(const CgroupLimits& l) override {
        // Controllers must be enabled in the parent's subtree_control before the child's
        // interface files exist ("Top-down Constraint", cgroup-v2.rst 2-4-2).
        auto available = TRY(sys::read_file(root_ + "/cgroup.controllers"));
        std::istringstream in(available);
        std::string c, enable;
        while (in >> c)
            for (auto& m : managed_controllers())
                if (c == m) {
                    enable += (enable.empty() ? "+" : " +") + c;
                    enabled_.push_back(c);
                }
        if (!enable.empty()) TRY(write_cgroup_value(root_ + "/cgroup.subtree_control", enable));
        if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) return fail_errno("mkdir " + dir_);
        if (!l.cpuset.empty() && has("cpuset"))
            TRY(write_cgroup_value(dir_ + "/cpuset.cpus", l.cpuset));
        std::string period = std::to_string(l.cpu_period_us);
        if (has("cpu"))
            TRY(write_cgroup_value(
                dir_ + "/cpu.max",
                (l.cpu_quota_us < 0 ? "max" : std::to_string(l.cpu_quota_us)) + " " + period));
        if (l.memory_bytes > 0 && has("memory")) {
            TRY(write_cgroup_value(dir_ + "/memory.max", std::to_string(l.memory_bytes)));
            // No swap beyond the machine's memory, as a VM of that size would have none.
            if (sys::exists(dir_ + "/memory.swap.max"))
                TRY(write_cgroup_value(dir_ + "/memory.swap.max", "0"));
        }
        if (has("pids"))
            TRY(write_cgroup_value(dir_ + "/pids.max",
                                   l.pids_max < 0 ? "max" : std::to_string(l.pids_max)));
        return {};
    }

    Result<> add(pid_t pid) override {
        return write_cgroup_value(dir_ + "/cgroup.procs", std::to_string(pid));
    }
    Result<std::vector<pid_t>> procs() const override { return read_cgroup_procs(dir_); }
    bool exists() const override { return sys::is_dir(dir_); }

    Result<> remove() override {
        // cgroup.kill (5.14) takes the whole subtree down at once; the loop below covers
        // older kernels and waits for the processes to be gone either way.
        if (sys::exists(dir_ + "/cgroup.kill"))
            (void)write_cgroup_value(dir_ + "/cgroup.kill", "1");
        return kill_and_remove_dirs({dir_});
    }

    std::vector<CgroupMount> inner_mounts() const override {
        return {{"cgroup2", "", "sys/fs/cgroup", dir_}};
    }
    std::vector<std::string> paths() const override { return {dir_}; }

private:
    bool has(const std::string& c) const {
        return std::find(enabled_.begin(), enabled_.end(), c) != enabled_.end();
    }

    std::string root_;
    std::vector<std::string> enabled_;
    std::string dir_;
};

}  // namespace

std::unique_ptr<Cgroup> make_cgroup_v2(const std::string& root, const std::string& name) {
    return std::make_unique<CgroupV2>(root, name);
}

}  // namespace env::host

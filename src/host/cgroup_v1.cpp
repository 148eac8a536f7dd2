// cgroup v1: one directory per controller hierarchy (Documentation/admin-guide/cgroup-v1/).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "host/cgroup.h"
#include "util/sys.h"

namespace env::host {
namespace {

class CgroupV1 final : public Cgroup {
public:
    CgroupV1(CgroupLayout layout, std::string name)
        : layout_(std::move(layout)), name_(std::move(name)) {}

    bool v2() const override { return false; }

    Result<> create(const CgroupLimits& l) override {
        for (auto& [ctrl, h] : layout_.v1)
            if (::mkdir(dir(ctrl).c_str(), 0755) != 0 && errno != EEXIST)
                return fail_errno("mkdir " + dir(ctrl));
        if (has("cpuset")) {
            // A fresh v1 cpuset has no cpus and no mems, and refuses tasks until both are set
            // (cpusets.rst, 1.9): start from the parent's.
            std::string parent = layout_.v1["cpuset"].mount_point;
            auto mems = TRY(sys::read_file(parent + "/cpuset.mems"));
            auto cpus = TRY(sys::read_file(parent + "/cpuset.cpus"));
            TRY(write_cgroup_value(dir("cpuset") + "/cpuset.mems", trim(mems)));
            TRY(write_cgroup_value(dir("cpuset") + "/cpuset.cpus",
                                   l.cpuset.empty() ? trim(cpus) : l.cpuset));
        }
        if (has("cpu")) {
            TRY(write_cgroup_value(dir("cpu") + "/cpu.cfs_period_us",
                                   std::to_string(l.cpu_period_us)));
            TRY(write_cgroup_value(dir("cpu") + "/cpu.cfs_quota_us",
                                   std::to_string(l.cpu_quota_us)));
        }
        if (has("memory") && l.memory_bytes > 0) {
            TRY(write_cgroup_value(dir("memory") + "/memory.limit_in_bytes",
                                   std::to_string(l.memory_bytes)));
            // memory+swap equal to memory: the machine gets no swap beyond its memory, as a VM
            // of that size would not. Only present when the kernel accounts swap.
            std::string memsw = dir("memory") + "/memory.memsw.limit_in_bytes";
            if (sys::exists(memsw)) TRY(write_cgroup_value(memsw, std::to_string(l.memory_bytes)));
        }
        if (has("pids"))
            TRY(write_cgroup_value(dir("pids") + "/pids.max",
                                   l.pids_max < 0 ? "max" : std::to_string(l.pids_max)));
        return {};
    }

    Result<> add(pid_t pid) override {
        for (auto& [ctrl, h] : layout_.v1)
            TRY(write_cgroup_value(dir(ctrl) + "/cgroup.procs", std::to_string(pid)));
        return {};
    }

    std::vector<std::string> self_placement_files() const override {
        std::vector<std::string> out;
        for (auto& [ctrl, h] : layout_.v1) out.push_back(dir(ctrl) + "/tasks");
        return out;
    }

    Result<std::vector<pid_t>> procs() const override {
        // pids (or memory) lists every task of the container; any managed hierarchy will do.
        for (auto* c : {"pids", "memory", "cpu", "cpuset"})
            if (has(c)) return read_cgroup_procs(dir(c));
        return std::vector<pid_t>{};
    }

    bool exists() const override {
        for (auto& [ctrl, h] : layout_.v1)
            if (sys::is_dir(dir(ctrl))) return true;
        return false;
    }

    Result<> remove() override { return kill_and_remove_dirs(paths()); }

    std::vector<CgroupMount> inner_mounts() const override {
        std::vector<CgroupMount> out;
        std::vector<std::string> seen;
        for (auto& [ctrl, h] : layout_.v1) {
            if (std::find(seen.begin(), seen.end(), h.options) != seen.end()) continue;
            seen.push_back(h.options);
            out.push_back({"cgroup", h.options, "sys/fs/cgroup/" + h.options, dir(ctrl)});
        }
        return out;
    }

    std::vector<std::string> paths() const override {
        std::vector<std::string> out;
        for (auto& [ctrl, h] : layout_.v1) {
            auto d = dir(ctrl);
            if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
        }
        return out;
    }

private:
    bool has(const std::string& c) const { return layout_.v1.count(c) != 0; }
    std::string dir(const std::string& c) const {
        return layout_.v1.at(c).mount_point + "/" + name_;
    }
    static std::string trim(std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        return s;
    }

    CgroupLayout layout_;
    std::string name_;
};

}  // namespace

std::unique_ptr<Cgroup> make_cgroup_v1(const CgroupLayout& layout, const std::string& name) {
    return std::make_unique<CgroupV1>(layout, name);
}

}  // namespace env::host

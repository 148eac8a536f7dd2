#include "providers/container/mount_plan.h"

#include <sys/mount.h>

#include <algorithm>

namespace env::container {

const std::vector<std::string>& dev_nodes() {
    static const std::vector<std::string> nodes = {"null",   "zero",    "full",
                                                   "random", "urandom", "tty"};
    return nodes;
}

Result<std::string> normalize_target(const std::string& absolute) {
    if (absolute.empty() || absolute[0] != '/')
        return fail(ErrorKind::Invalid, "mount target '" + absolute + "' is not an absolute path");
    std::string out;
    size_t pos = 0;
    while (pos < absolute.size()) {
        size_t slash = absolute.find('/', pos);
        if (slash == std::string::npos) slash = absolute.size();
        std::string part = absolute.substr(pos, slash - pos);
        pos = slash + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..")
            return fail(ErrorKind::Invalid, "mount target '" + absolute + "' contains '..'");
        if (!out.empty()) out += '/';
        out += part;
    }
    if (out.empty())
        return fail(ErrorKind::Invalid, "cannot mount over the container's root directory");
    return out;
}

namespace {

MountOp mount(std::string source, std::string target, std::string fstype, unsigned long flags,
              std::string data = "") {
    return {MountOp::Kind::Mount, std::move(source), std::move(target), std::move(fstype), flags,
            std::move(data)};
}
// Binds a /proc entry onto itself and makes it read-only.
void read_only_proc(std::vector<MountOp>& ops, const std::string& target, bool recursive = false) {
    ops.push_back({MountOp::Kind::Mount, target, target, "", MS_BIND | (recursive ? static_cast<unsigned long>(MS_REC) : 0ul), "",
                   false, true});
    ops.push_back({MountOp::Kind::Remount, "", target, "",
                   MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "", false,
                   true});
}

MountOp op(MountOp::Kind kind, std::string target, std::string source = "") {
    return {kind, std::move(source), std::move(target), "", 0, ""};
}

}  // namespace

std::vector<MountOp> plan_cgroup_mounts(const RootfsInputs& in) {
    using K = MountOp::Kind;
    std::vector<MountOp> ops;
    const unsigned long cg_flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (in.cgroup_v2) {
        ops.push_back(mount("cgroup2", "sys/fs/cgroup", "cgroup2", cg_flags));
    } else if (!in.cgroups.empty()) {
        ops.push_back(mount("tmpfs", "sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                            "mode=755,size=64k"));
        for (auto& c : in.cgroups) {
            ops.push_back(op(K::MakeDir, c.target));
            if (in.user_namespace) {
                ops.push_back(mount(c.host_dir, c.target, "", MS_BIND | MS_REC));
                ops.push_back({K::Remount, "", c.target, "",
                               MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                               ""});
            } else {
                ops.push_back(mount("cgroup", c.target, c.fstype, cg_flags, c.data));
            }
        }
        ops.push_back({K::Remount, "", "sys/fs/cgroup", "",
                       MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                       "mode=755,size=64k"});
    }
    return ops;
}

Result<std::vector<MountOp>> plan_rootfs(const RootfsInputs& in) {
    using K = MountOp::Kind;
    std::vector<MountOp> ops;
    ops.push_back(mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC));
    // /proc/sys is mostly the host's kernel settings: read-only, except net/, which belongs
    // to the container's own network namespace (keepalived, ip_forward). net/ is bound
    // first so that the recursive bind of sys/ carries it, writable, above the read-only sys/.
    ops.push_back({MountOp::Kind::Mount, "proc/sys/net", "proc/sys/net", "", MS_BIND, "", false, true});
    read_only_proc(ops, "proc/sys", true);
    for (auto* dir : {"proc/bus", "proc/fs", "proc/irq"}) read_only_proc(ops, dir);
    for (auto* file : {"proc/kcore", "proc/keys", "proc/timer_list", "proc/sysrq-trigger"})
        ops.push_back({MountOp::Kind::Mount, "/dev/null", file, "", MS_BIND, "", true, true});
    ops.push_back(mount("sysfs", "sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
    ops.push_back(mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=64k"));
    for (auto& n : dev_nodes()) {
        ops.push_back(op(K::MakeFile, "dev/" + n));
        ops.push_back(mount("/dev/" + n, "dev/" + n, "", MS_BIND));
    }
    ops.push_back(op(K::MakeDir, "dev/pts"));
    // newinstance: the container gets its own pty numbering, not a view of the host's ttys.
    ops.push_back(mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                        "newinstance,ptmxmode=0666,mode=0620,gid=5"));
    ops.push_back(op(K::Symlink, "dev/ptmx", "pts/ptmx"));
    ops.push_back(op(K::MakeDir, "dev/shm"));
    ops.push_back(mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=65536k"));
    if (in.console) {
        ops.push_back(op(K::MakeFile, "dev/console"));
        ops.push_back(mount("", "dev/console", "", MS_BIND));  // source: the pty, known at run time
    }
    ops.push_back(op(K::Symlink, "dev/fd", "/proc/self/fd"));
    ops.push_back(op(K::Symlink, "dev/stdin", "/proc/self/fd/0"));
    ops.push_back(op(K::Symlink, "dev/stdout", "/proc/self/fd/1"));
    ops.push_back(op(K::Symlink, "dev/stderr", "/proc/self/fd/2"));

    // Parents before children, so /env/sub lands inside /env rather than under it.
    std::vector<std::pair<std::string, const BindMount*>> binds;
    for (auto& b : in.binds) {
        if (b.source.empty() || b.source[0] != '/')
            return fail(ErrorKind::Invalid,
                        "synced folder source '" + b.source + "' is not an absolute path");
        binds.emplace_back(TRY(normalize_target(b.target)), &b);
    }
    std::stable_sort(binds.begin(), binds.end(), [](auto& a, auto& b) {
        return std::count(a.first.begin(), a.first.end(), '/') <
               std::count(b.first.begin(), b.first.end(), '/');
    });
    for (auto& [target, b] : binds) {
        ops.push_back(op(K::MakeDir, target));
        ops.push_back(mount(b->source, target, "", MS_BIND | MS_REC));
        if (b->readonly)
            ops.push_back(
                {K::Remount, "", target, "", MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, ""});
    }
    // Optional: a masked path the host has not made (yet) needs no hiding.
    for (auto& path : in.masked)
        ops.push_back({K::Mount, "tmpfs", TRY(normalize_target(path)), "tmpfs",
                       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k", false,
                       true});
    return ops;
}

}  // namespace env::container

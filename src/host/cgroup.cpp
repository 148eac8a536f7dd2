#include "host/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "util/sys.h"

namespace env::host {

std::string cgroup_name(const std::string& project, const std::string& machine) {
    return "env-" + project + "-" + machine;
}

Result<CgroupLayout> detect_cgroup_layout(std::string_view mountinfo) {
    CgroupLayout layout;
    std::string v2_mount;
    std::istringstream in{std::string(mountinfo)};
    std::string line;
    while (std::getline(in, line)) {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
        size_t sep = line.find(" - ");
        if (sep == std::string::npos) continue;
        std::istringstream head(line.substr(0, sep)), tail(line.substr(sep + 3));
        std::string id, parent, dev, root, mount_point, fstype, source, superopts;
        head >> id >> parent >> dev >> root >> mount_point;
        tail >> fstype >> source >> superopts;
        if (fstype == "cgroup2") {
            if (v2_mount.empty() || mount_point == "/sys/fs/cgroup") v2_mount = mount_point;
        } else if (fstype == "cgroup") {
            std::vector<std::string> ctrls;
            std::istringstream opts(superopts);
            std::string o;
            while (std::getline(opts, o, ','))
                if (o != "rw" && o != "ro" && o.find('=') == std::string::npos &&
                    o != "clone_children" && o != "noprefix" && o != "xattr")
                    ctrls.push_back(o);
            std::string joined;
            for (auto& c : ctrls) joined += (joined.empty() ? "" : ",") + c;
            for (auto& c : ctrls)
                for (auto& m : managed_controllers())
                    if (c == m && !layout.v1.count(m)) layout.v1[m] = {mount_point, joined};
        }
    }
    if (layout.v1.count("memory")) return layout;
    layout.v1.clear();
    if (v2_mount.empty())
        return fail(ErrorKind::Provider,
                    "no cgroup filesystem is mounted (neither v1 memory nor v2)");
    layout.v2 = true;
    layout.v2_root = v2_mount;
    return layout;
}

std::unique_ptr<Cgroup> make_cgroup(const CgroupLayout& layout, const std::string& name) {
    if (layout.v2) return make_cgroup_v2(layout.v2_root, name);
    return make_cgroup_v1(layout, name);
}

Result<std::unique_ptr<Cgroup>> open_host_cgroup(const std::string& name) {
    auto text = TRY(sys::read_file("/proc/self/mountinfo"));
    return make_cgroup(TRY(detect_cgroup_layout(text)), name);
}

Result<> write_cgroup_value(const std::string& path, const std::string& value) {
    UniqueFd fd = TRY(sys::open(path, O_WRONLY | O_CREAT | O_TRUNC));
    if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
        return fail_errno("write '" + value + "' to " + path);
    return {};
}

Result<std::vector<pid_t>> read_cgroup_procs(const std::string& dir) {
    auto text = sys::read_file(dir + "/cgroup.procs");
    if (!text) {
        if (text.error().err() == ENOENT) return std::vector<pid_t>{};
        return std::unexpected(text.error());
    }
    std::vector<pid_t> out;
    std::istringstream in(*text);
    pid_t p;
    while (in >> p) out.push_back(p);
    return out;
}

Result<> kill_and_remove_dirs(const std::vector<std::string>& dirs) {
    using namespace std::chrono;
    auto deadline = steady_clock::now() + seconds(5);
    for (auto& dir : dirs) {
        if (!sys::is_dir(dir)) continue;
        for (;;) {
            auto pids = TRY(read_cgroup_procs(dir));
            for (pid_t p : pids) ::kill(p, SIGKILL);
            if (pids.empty() && (::rmdir(dir.c_str()) == 0 || errno == ENOENT)) break;
            if (!pids.empty() || errno == EBUSY) {
                // Killed processes leave the cgroup once the kernel has torn them down.
                if (steady_clock::now() > deadline)
                    return fail(ErrorKind::Provider,
                                "cgroup " + dir + " still holds processes after SIGKILL");
                std::this_thread::sleep_for(milliseconds(1));
                continue;
            }
            return fail_errno("rmdir " + dir);
        }
    }
    return {};
}

}  // namespace env::host

#include "container_fixture.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "host/cgroup.h"
#include "util/sys.h"

namespace env::test {
namespace {

const char* applets[] = {"sh",    "ps",    "hostname", "cat",  "ls",    "sleep", "touch", "echo",
                         "mkdir", "grep",  "id",       "stat", "head",  "wc",    "ip",    "test",
                         "true",  "false", "trap",     "rm",   "mount", "sync"};

std::vector<std::string> list_dir(const std::string& path) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(path.c_str())) {
        while (auto* e = ::readdir(d))
            if (e->d_name[0] != '.') out.push_back(e->d_name);
        ::closedir(d);
    }
    return out;
}

void build_busybox_rootfs(const std::string& root) {
    for (auto d : {"bin", "etc", "proc", "sys", "dev", "tmp", "root", "home", "var"})
        (void)sys::make_dirs(root + "/" + d);
    ::chmod((root + "/tmp").c_str(), 01777);
    auto bb = sys::read_file("/bin/busybox").value();
    (void)sys::write_file_atomic(root + "/bin/busybox", bb, 0755);
    for (auto a : applets) (void)::symlink("busybox", (root + "/bin/" + a).c_str());
    (void)sys::write_file_atomic(
        root + "/etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\nenv:x:1000:1000::/home/env:/bin/sh\n");
    (void)sys::write_file_atomic(root + "/etc/group", "root:x:0:\ntty:x:5:\nenv:x:1000:\n");
}

}  // namespace

std::string container_skip_reason() {
    if (::geteuid() != 0) return "container tests need root";
    if (!sys::exists("/bin/busybox"))
        return "/bin/busybox is missing (apt-get install busybox-static)";
    auto usable = container::ContainerProvider(
                      {.supervisor_path = ENV_BINARY_DIR "/env-container-supervisor"})
                      .usable();
    if (!usable) return "the container provider is not usable here: " + usable.error().what();
    return "";
}

std::vector<std::string> host_links() {
    return list_dir("/sys/class/net");
}

bool pid_alive(int pid) {
    // A zombie counts as gone: on the development machines pid 1 does not reap orphans,
    // so an exited supervisor lingers as a zombie there.
    if (pid <= 0 || ::kill(pid, 0) != 0) return false;
    auto stat = sys::read_file("/proc/" + std::to_string(pid) + "/stat").value_or("");
    auto paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

ContainerMachine::ContainerMachine(const std::string& script, container::ContainerOptions opts) {
    char tmpl[] = "/tmp/env-ct-XXXXXX";
    dir = ::mkdtemp(tmpl);
    ::chmod(dir.c_str(), 0755);  // as a project directory would be
    box_dir = dir + "/box";
    project_dir = dir + "/project";
    project = "t" + std::to_string(::getpid() % 100000) + dir.substr(dir.size() - 3);
    spec.name = "m1";
    spec.hostname = "box-" + spec.name;
    spec.cpus = 1;
    spec.memory = 64ull << 20;
    spec.cpu_cap = 50;
    state_dir = project_dir + "/.envstate/machines/" + spec.name;
    build_busybox_rootfs(box_dir + "/rootfs");
    (void)sys::make_dirs(state_dir);
    ctx.spec = &spec;
    ctx.project_name = project;
    ctx.project_dir = project_dir;
    ctx.state_dir = state_dir;
    ctx.box_dir = box_dir;
    links_before = host_links();
    set_script(script, std::move(opts));
}

void ContainerMachine::set_script(const std::string& script, container::ContainerOptions opts) {
    opts.supervisor_path = ENV_BINARY_DIR "/env-container-supervisor";
    if (!script.empty()) opts.command = {"/bin/sh", "-c", script};
    if (opts.stop_timeout_ms == 10000) opts.stop_timeout_ms = 2000;
    provider = std::make_unique<container::ContainerProvider>(std::move(opts));
}

ContainerMachine::~ContainerMachine() {
    if (provider) (void)provider->destroy(ctx);
    (void)sys::remove_tree(dir);
}

bool ContainerMachine::wait_for(const std::string& name, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!sys::exists(project_dir + "/" + name)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

std::string ContainerMachine::read(const std::string& name) const {
    auto t = sys::read_file(project_dir + "/" + name);
    return t ? *t : "";
}

std::vector<std::string> ContainerMachine::leftovers() const {
    std::vector<std::string> out;
    auto mounts = sys::read_file("/proc/self/mountinfo").value_or("");
    std::istringstream in(mounts);
    std::string line;
    while (std::getline(in, line))
        if (line.find(dir) != std::string::npos) out.push_back("mount: " + line);
    // Processes: the supervisor names the state dir on its command line; anything running
    // from inside the machine has its root in the state dir (rootfs).
    for (auto& p : list_dir("/proc")) {
        if (p.find_first_not_of("0123456789") != std::string::npos || !pid_alive(std::stoi(p)))
            continue;
        auto cmd = sys::read_file("/proc/" + p + "/cmdline").value_or("");
        char root[4096];
        ssize_t n = ::readlink(("/proc/" + p + "/root").c_str(), root, sizeof root - 1);
        std::string r = n > 0 ? std::string(root, static_cast<size_t>(n)) : "";
        if (cmd.find(state_dir) != std::string::npos || r.find(dir) != std::string::npos)
            out.push_back("process " + p + ": " + cmd);
    }
    for (auto& c : list_dir("/sys/fs/cgroup"))
        if (sys::exists("/sys/fs/cgroup/" + c + "/" + cgroup()))
            out.push_back("cgroup " + c + "/" + cgroup());
    if (sys::exists("/sys/fs/cgroup/" + cgroup())) out.push_back("cgroup " + cgroup());
    auto links = host_links();
    for (auto& l : links)
        if (std::find(links_before.begin(), links_before.end(), l) == links_before.end())
            out.push_back("link " + l);
    return out;
}

}  // namespace env::test

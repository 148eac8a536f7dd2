#include "providers/container/container_provider.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "host/cgroup.h"
#include "host/control_server.h"
#include "net/host_network.h"
#include "net/port_allocator.h"
#include "providers/container/box_layout.h"
#include "providers/container/capabilities.h"
#include "providers/container/machine_files.h"
#include "providers/container/machine_keys.h"
#include "providers/container/project_hosts.h"
#include "providers/container/state_masks.h"
#include "providers/container/supervisor/extra_nics.h"
#include "providers/container/supervisor_config.h"
#include "providers/container/supervisor_spawn.h"
#include "ssh/keys.h"
#include "util/sys.h"

namespace env::container {

using provider::MachineContext;
using provider::MachineState;

namespace {

// What runs a machine on the host, in messages (control socket errors, diagnostics).
const std::string kSupervisor = "supervisor";

struct MachineRecord {  // state.json
    std::string cgroup;
    int ssh_port = 0;
    bool user_namespace = false;  // the upper layer's owners depend on it
};

Result<MachineRecord> read_record(const MachineFiles& f) {
    auto text = TRY(sys::read_file(f.state()));
    try {
        auto j = nlohmann::json::parse(text);
        return MachineRecord{j.value("cgroup", ""), j.value("ssh_port", 0),
                             j.value("user_namespace", false)};
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorKind::Invalid, f.state() + ": " + e.what());
    }
}

Result<std::vector<int>> host_cpus() {
    cpu_set_t set;
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return fail_errno("sched_getaffinity");
    std::vector<int> out;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) out.push_back(c);
    return out;
}

// Atomic (temporary file + rename) but not fsync'ed: config.json is rewritten by every up,
// and two fsyncs cost more than the whole container start on a busy disk. ext4 flushes the
// data of a file renamed over another (auto_da_alloc), so a crash leaves old or new.
Result<> replace_file(const std::string& path, std::string_view data) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        UniqueFd fd = TRY(sys::open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644));
        TRY(sys::write_all(fd.get(), data));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto e = fail_errno("rename " + tmp + " to " + path);
        ::unlink(tmp.c_str());
        return e;
    }
    return {};
}

// Files every machine gets on first boot, as Docker generates them: its own name, a hosts
// file that resolves it (sudo complains otherwise), and the NAT's DNS server.
std::vector<SeedFile> system_seeds(const std::string& hostname, bool network) {
    std::vector<SeedFile> out = {{"/etc/hostname", hostname + "\n", 0644, ""},
                                 {"/etc/hosts",
                                  "127.0.0.1\tlocalhost\n127.0.1.1\t" + hostname +
                                      "\n::1\tlocalhost ip6-localhost ip6-loopback\n",
                                  0644, ""}};
    if (network) out.push_back({"/etc/resolv.conf", "nameserver 10.0.2.3\n", 0644, ""});
    return out;
}

Result<> check_context(const MachineContext& m) {
    if (!m.spec)
        return fail(ErrorKind::Internal, "container provider called without a machine spec");
    if (m.state_dir.empty() || m.state_dir[0] != '/')
        return fail(ErrorKind::Internal,
                    "machine state dir must be absolute: '" + m.state_dir + "'");
    return {};
}

// The container's side of each network the core attached it to: a veth named after the
// project, machine and place in `networks:` (a macvlan when bridged).
std::vector<ExtraNicConfig> extra_nics_of(const MachineContext& m) {
    std::vector<ExtraNicConfig> out;
    for (auto& a : m.attachments)
        out.push_back({a.network, a.bridged, a.link,
                       net::veth_name(m.project_dir, m.spec->name, a.index), a.name, a.mac,
                       a.address, a.dhcp, a.dhcp_offer});
    return out;
}

std::string cgroup_of(const MachineContext& m, const MachineFiles& f) {
    if (auto r = read_record(f); r && !r->cgroup.empty()) return r->cgroup;
    return host::cgroup_name(m.project_name, m.spec ? m.spec->name : "");
}

}  // namespace

Result<> ContainerProvider::usable() const {
    // Even in user-namespace mode the supervisor needs root: it id-maps the box, writes
    // the id maps and manages cgroups; only the container runs unprivileged.
    if (::geteuid() != 0) return fail(ErrorKind::Provider, "the container provider needs root");
    if (options_.user_namespace) {
        utsname u;
        int major = 0, minor = 0;
        if (::uname(&u) == 0) std::sscanf(u.release, "%d.%d", &major, &minor);
        if (major < 5 || (major == 5 && minor < 19))
            return fail(
                ErrorKind::Provider,
                "user-namespace mode needs Linux 5.19 (id-mapped overlay layers), this is " +
                    std::string(u.release));
        if (!sys::exists("/proc/self/ns/user"))
            return fail(ErrorKind::Provider, "this kernel has no user namespaces");
    }
    for (auto* ns : {"mnt", "pid", "uts", "ipc", "net", "cgroup"})
        if (!sys::exists(std::string("/proc/self/ns/") + ns))
            return fail(ErrorKind::Provider,
                        std::string("this kernel has no ") + ns + " namespaces");
    if (!sys::exists("/dev/net/tun") && options_.network)
        return fail(ErrorKind::Provider, "/dev/net/tun is missing (modprobe tun)");
    auto fs = TRY(sys::read_file("/proc/filesystems"));
    if (fs.find("\toverlay\n") == std::string::npos)
        return fail(ErrorKind::Provider, "this kernel has no overlayfs (modprobe overlay)");
    TRY(host::open_host_cgroup("probe"));
    TRY(options_.supervisor_path.empty() ? find_supervisor_executable()
                                         : Result<std::string>(options_.supervisor_path));
    return {};
}

Result<> ContainerProvider::up(const MachineContext& m) {
    TRY(check_context(m));
    const auto& spec = *m.spec;
    MachineFiles files{m.state_dir};
    auto st = TRY(state(m));
    if (st == MachineState::Running) return {};
    if (st == MachineState::Crashed) {
        TRY(kill_supervisor(m));  // one that lost its socket is still holding the lock
        TRY(remove_leftovers(m));
    }

    ContainerBox box = TRY(read_container_box(m.box_dir));
    std::string exe = options_.supervisor_path.empty() ? TRY(find_supervisor_executable())
                                                       : options_.supervisor_path;
    for (auto& d : {files.upper(), files.work(), files.rootfs(), files.lower()})
        TRY(sys::make_dirs(d, 0755));
    const uint32_t id_offset = options_.user_namespace ? options_.id_base : 0;

    const std::string user = spec.ssh_user.empty() ? box.user : spec.ssh_user;
    // Keys survive halt/up; they are made (once) before the first boot.
    auto keys = TRY(ssh::ensure_machine_keys(m.state_dir + "/ssh", spec.name));
    MachineRecord record;
    if (!sys::exists(files.state())) {
        auto seeds =
            system_seeds(spec.hostname.empty() ? spec.name : spec.hostname, options_.network);
        auto key_seeds = TRY(ssh_key_seeds(box, user, keys));
        seeds.insert(seeds.end(), key_seeds.begin(), key_seeds.end());
        seeds.insert(seeds.end(), seeds_.begin(), seeds_.end());
        TRY(write_seed_files(box.rootfs, files.upper(), seeds, id_offset));
        // In user-namespace mode the container's root writes the upper layer, and names it
        // from the machine's directory (its cwd), which core keeps 0700: so it owns that
        // directory too. Other host users still cannot enter it.
        for (auto& d : {files.upper(), files.work()})
            if (::chown(d.c_str(), id_offset, id_offset) != 0) return fail_errno("chown " + d);
        if (options_.user_namespace && ::chown(m.state_dir.c_str(), id_offset, id_offset) != 0)
            return fail_errno("chown " + m.state_dir);
        record.cgroup = host::cgroup_name(m.project_name, spec.name);
        record.user_namespace = options_.user_namespace;
    } else {
        record = TRY(read_record(files));
        if (record.user_namespace != options_.user_namespace)
            return fail(ErrorKind::Invalid, "machine " + spec.name + " was created " +
                                                (record.user_namespace ? "with" : "without") +
                                                " a user namespace; destroy it to change that");
    }
    // The SSH port: the one from the last run while it is still free (ssh-config users keep
    // theirs), else a new one. Held bound until the supervisor is about to bind it, so two
    // projects coming up at once never pick the same port.
    net::PortReservation ssh_hold;
    if (record.ssh_port > 0)
        if (auto r = net::reserve_exact_port(net::Proto::Tcp, "127.0.0.1", record.ssh_port))
            ssh_hold = std::move(*r);
    if (!ssh_hold.held()) {
        ssh_hold = TRY(net::reserve_port(net::Proto::Tcp, "127.0.0.1"));
        record.ssh_port = ssh_hold.port();
    }
    nlohmann::json rec{{"cgroup", record.cgroup},
                       {"ssh_port", record.ssh_port},
                       {"box_dir", m.box_dir},
                       {"user", user},
                       {"user_namespace", record.user_namespace}};
    TRY(replace_file(files.state(), rec.dump(2) + "\n"));
    TRY(ssh::write_known_hosts(m.state_dir + "/known_hosts", "127.0.0.1", record.ssh_port,
                               keys.host_public_key_file));

    SupervisorConfig c;
    c.project = m.project_name;
    c.machine = spec.name;
    c.hostname = spec.hostname.empty() ? spec.name : spec.hostname;
    c.state_dir = m.state_dir;
    c.lower_dir = box.rootfs;
    // The project at /env unless the Envfile says otherwise about /env (disabled included).
    bool env_named = false;
    for (auto& sf : spec.synced_folders) {
        env_named |= sf.target == "/env" || sf.target == "/env/";
        if (!sf.disabled) c.binds.push_back({sf.source, sf.target, false});
    }
    if (!env_named && !m.project_dir.empty())
        c.binds.insert(c.binds.begin(), {m.project_dir, "/env", false});
    c.cgroup_name = record.cgroup;
    c.limits = TRY(host::compute_limits(spec.cpus, spec.cpu_cap, spec.memory, options_.pids_max,
                                        TRY(host_cpus())));
    if (!options_.command.empty()) {
        c.command = options_.command;
    } else {
        c.init = box.init;
        c.command = box.command;
    }
    if (c.init.empty() && c.command.empty())
        return fail(
            ErrorKind::Invalid,
            "box " + spec.box.name + " names no container command or init in its metadata.json");
    c.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
             "TERM=linux", "container=env"};
    c.stop_signal = TRY(parse_signal(box.stop_signal));
    c.stop_timeout_ms = options_.stop_timeout_ms;
    c.network = options_.network;
    c.forwards.push_back({"127.0.0.1", record.ssh_port, 22, "tcp"});
    for (auto& p : spec.ports) c.forwards.push_back({p.host_ip, p.host, p.guest, p.protocol});
    c.nics = extra_nics_of(m);
    TRY(use_project_hosts(m.state_dir, files.upper(), c.hostname, id_offset, !c.nics.empty(),
                          c.binds));
    c.masked = state_masks(m.state_dir, c.binds);
    // no_new_privs makes setuid binaries inert: a non-root SSH user needs sudo to provision.
    c.no_new_privs = options_.no_new_privs && user == "root";
    c.user_namespace = options_.user_namespace;
    c.id_base = options_.user_namespace ? options_.id_base : 0;
    c.id_count = options_.user_namespace ? options_.id_count : 0;
    c.capabilities = default_capabilities();
    TRY(replace_file(files.config(), to_json(c)));

    // The supervisor inherits the held port and lets it go only when its NAT binds it.
    auto ok = spawn_supervisor(exe, m.state_dir, options_.start_timeout_ms, ssh_hold.hand_over());
    if (!ok) return std::unexpected(ok.error().context("starting machine " + spec.name));
    return {};
}

Result<> ContainerProvider::kill_supervisor(const MachineContext& m) const {
    MachineFiles files{m.state_dir};
    SupervisorPids pids;
    if (probe_supervisor(files.pid(), &pids) != SupervisorLiveness::Alive) return {};
    if (pids.supervisor > 0) ::kill(pids.supervisor, SIGKILL);
    host::wait_process_gone(pids.supervisor);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (probe_supervisor(files.pid()) == SupervisorLiveness::Alive) {
        if (std::chrono::steady_clock::now() > deadline)
            return fail(ErrorKind::Provider, "the supervisor of " + m.state_dir + " does not die");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return {};
}

Result<> ContainerProvider::halt(const MachineContext& m, bool force) {
    TRY(check_context(m));
    auto st = TRY(state(m));
    if (st == MachineState::NotCreated || st == MachineState::Stopped) return {};
    if (st == MachineState::Crashed) TRY(kill_supervisor(m));
    if (st == MachineState::Running) {
        SupervisorPids pids;
        probe_supervisor(MachineFiles{m.state_dir}.pid(), &pids);
        int timeout = force ? 5000 : options_.stop_timeout_ms + 5000;
        auto r =
            host::control_request(kSupervisor, m.state_dir, force ? "kill" : "stop", timeout, true);
        if (!r) {
            if (!force) return std::unexpected(r.error().context("halting " + m.spec->name));
            spdlog::warn("supervisor of {} does not answer ({}); killing it", m.spec->name,
                         r.error().what());
        }
        TRY(kill_supervisor(m));  // no-op when it has exited, as it should have
        host::wait_process_gone(pids.supervisor);
    }
    // A killed supervisor leaves its cgroup and files behind.
    return remove_leftovers(m);
}

Result<> ContainerProvider::remove_leftovers(const MachineContext& m) const {
    MachineFiles files{m.state_dir};
    if (probe_supervisor(files.pid()) == SupervisorLiveness::Alive)
        return fail(ErrorKind::Internal, "refusing to clean up after a living supervisor");
    // The container's init died with its supervisor (PDEATHSIG) and took its pid namespace,
    // mounts and eth0 with it; what can remain on the host is the cgroup (and processes in
    // it, should any still be exiting) and the supervisor's files.
    auto cg = TRY(host::open_host_cgroup(cgroup_of(m, files)));
    TRY(cg->remove());
    // A veth whose supervisor was killed outlives it until the namespace is reaped.
    if (auto text = sys::read_file(files.config()))
        if (auto c = config_from_json(*text)) detach_extra_nics(c->nics);
    // Mounts live in the container's mount namespace, never the host's; this only guards
    // against a host mount someone made inside the state dir by hand.
    auto mounts = TRY(sys::read_file("/proc/self/mountinfo"));
    std::vector<std::string> ours;
    std::istringstream in(mounts);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string id, parent, dev, root, point;
        f >> id >> parent >> dev >> root >> point;
        if (point.rfind(m.state_dir + "/", 0) == 0) ours.push_back(point);
    }
    std::sort(ours.rbegin(), ours.rend());
    for (auto& p : ours)
        if (::umount2(p.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
            return fail_errno("umount " + p);
    ::unlink(files.pid().c_str());
    ::unlink(files.control().c_str());
    return {};
}

Result<> ContainerProvider::destroy(const MachineContext& m) {
    TRY(check_context(m));
    if (!sys::exists(m.state_dir)) return {};
    if (auto r = halt(m, true); !r) {
        spdlog::warn("destroy {}: {}", m.spec->name, r.error().what());
        TRY(kill_supervisor(m));
        TRY(remove_leftovers(m));
    }
    return sys::remove_tree(m.state_dir);
}

Result<MachineState> ContainerProvider::state(const MachineContext& m) const {
    TRY(check_context(m));
    MachineFiles files{m.state_dir};
    SupervisorPids pids;
    switch (probe_supervisor(files.pid(), &pids)) {
        case SupervisorLiveness::Dead:
            return MachineState::Crashed;
        case SupervisorLiveness::Alive:
            // init is recorded once control.sock listens; a socket that refuses then means a
            // supervisor that lost its control channel: as good as crashed.
            if (pids.init > 0 && !host::control_request(kSupervisor, m.state_dir, "status", 2000)) {
                // It may also have been on its way out (a halt): then the pid file is gone.
                if (probe_supervisor(files.pid()) == SupervisorLiveness::Alive)
                    return MachineState::Crashed;
                break;
            }
            return MachineState::Running;
        case SupervisorLiveness::Absent:
            break;
    }
    return sys::exists(files.state()) ? MachineState::Stopped : MachineState::NotCreated;
}

Result<ContainerStatus> ContainerProvider::status(const MachineContext& m) const {
    auto reply = TRY(host::control_request(kSupervisor, m.state_dir, "status", 2000));
    try {
        auto j = nlohmann::json::parse(reply);
        return ContainerStatus{j.value("supervisor", 0), j.value("init", 0)};
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorKind::Provider,
                    std::string("bad status from the supervisor: ") + e.what());
    }
}

provider::Diagnostics ContainerProvider::diagnostics(const MachineContext& m) const {
    MachineFiles files{m.state_dir};
    return {kSupervisor, files.supervisor_log(), files.console_log()};
}

Result<provider::SshInfo> ContainerProvider::ssh_info(const MachineContext& m) const {
    TRY(check_context(m));
    MachineFiles files{m.state_dir};
    auto record = TRY(read_record(files));
    provider::SshInfo info;
    info.port = record.ssh_port;
    if (!m.spec->ssh_user.empty()) {
        info.user = m.spec->ssh_user;
    } else {
        auto box = read_container_box(m.box_dir);
        info.user = box ? box->user : "root";
    }
    // Made by up() before the first boot (ssh::ensure_machine_keys, machine_keys.h).
    info.identity_file = m.state_dir + "/ssh/id_ed25519";
    info.known_hosts_file = m.state_dir + "/known_hosts";
    return info;
}

}  // namespace env::container

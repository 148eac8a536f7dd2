#include "core/machine_handle.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <ctime>
#include <sstream>

#include "core/machine_status.h"
#include "provider/registry.h"
#include "state/machine_index.h"
#include "state/paths.h"
#include "state/provider_names.h"
#include "util/sys.h"

namespace env::core {

Result<MachineHandle> open_machine(const Project& p, const envfile::Machine& m,
                                   const std::string& provider_override) {
    MachineHandle h;
    h.project = &p;
    h.spec = &m;
    h.record = TRY(load_record(p.machine_dir(m.name)));
    std::string name = h.record ? h.record->provider
                                : (provider_override.empty() ? m.provider : provider_override);
    if (name.empty()) name = std::string(state::default_provider());
    h.provider = TRY(provider::make(name));
    h.context = machine_context(p, m, h.record ? &*h.record : nullptr);
    return h;
}

Result<state::MachineLock> lock_machine(const Project& p, const std::string& machine,
                                        const std::string& command_line, bool wait) {
    return state::MachineLock::acquire(p.machine_dir(machine) + "/lock", "machine " + machine,
                                       command_line, wait);
}

Result<UniqueFd> lock_project_shared(const Project&) {
    // One lock for all projects: simpler than a stable per-project name, and cheap at the
    // milliseconds it is held.
    TRY(sys::make_dirs(state::env_home()));
    std::string path = state::env_home() + "/projects.lock";
    UniqueFd fd = TRY(sys::open(path, O_RDWR | O_CREAT, 0644));
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) return fail_errno("lock " + path);
    return fd;
}

std::string destroying_marker(const Project& p, const std::string& machine) {
    return p.state_dir + "/destroying-" + machine;
}

std::string tail_lines(const std::string& path, int n) {
    auto text = sys::read_file(path);
    if (!text) return "";
    std::string t = *text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    size_t pos = t.size();
    for (int i = 0; i < n && pos != std::string::npos && pos > 0; ++i) pos = t.rfind('\n', pos - 1);
    return pos == std::string::npos ? t : t.substr(pos + 1);
}

Result<ssh::Connected> connect_machine(const MachineHandle& h, std::chrono::milliseconds timeout) {
    auto info = TRY(h.provider->ssh_info(h.context));
    ssh::ConnectOptions o;
    o.machine = h.name();
    o.host = info.host;
    o.port = info.port;
    o.user = info.user;
    o.identity_file = info.identity_file;
    o.host_public_key_file = info.known_hosts_file;
    const auto diag = h.provider->diagnostics(h.context);
    bool stopped = false;
    auto still_running = [&]() -> Result<> {
        auto st = TRY(h.provider->state(h.context));
        if (st == provider::MachineState::Running) return {};
        stopped = true;
        std::string tail = tail_lines(diag.console_file, 10);
        return fail(ErrorKind::Provider,
                    "machine " + h.name() + " is " + provider::to_string(st) +
                        " (it stopped while waiting for SSH)" +
                        (diag.log_file.empty() ? "" : "; log: " + diag.log_file) +
                        (tail.empty() ? "" : "; last console lines:\n" + tail));
    };
    TRY(still_running());
    auto c = ssh::connect_with_retry(o, timeout, still_running);
    if (!c && !stopped && c.error().kind() == ErrorKind::Network) {
        std::string tail = tail_lines(diag.console_file, 10);
        std::string console = diag.console_file.substr(diag.console_file.rfind('/') + 1);
        return fail(ErrorKind::Network, "machine " + h.name() + ": SSH did not answer within " +
                                            std::to_string(timeout.count() / 1000) +
                                            " s (boot_timeout): " + c.error().message() +
                                            (!tail.empty()     ? "; last console lines:\n" + tail
                                             : console.empty() ? std::string()
                                                               : "; " + console + " is empty"));
    }
    return c;
}

Result<provider::MachineState> MachineHandle::state() const {
    return provider->state(context);
}

Result<provider::SshInfo> MachineHandle::ssh_info() const {
    return provider->ssh_info(context);
}

Result<> update_index(const MachineHandle& h) {
    state::MachineIndex index(state::index_path());
    auto record = TRY(load_record(h.dir()));
    if (!record) return index.remove(h.project->dir, h.name());
    state::IndexEntry e;
    e.project_dir = h.project->dir;
    e.envfile = h.project->envfile.path;
    e.machine = h.name();
    e.provider = record->provider;
    e.box = record->box;
    e.box_version = record->box_version;
    auto st = h.provider->state(h.context);
    e.state = st ? provider::to_string(*st) : "unknown";
    e.updated = static_cast<int64_t>(std::time(nullptr));
    return index.upsert(e);
}

}  // namespace env::core

#pragma once
// One machine of a project opened for a command: its spec, what env recorded about it, the
// provider that owns it (or would create it) and the context that provider needs. The
// commands (up, halt, ssh, ...) all start from here.
#include <memory>
#include <optional>
#include <string>

#include "core/machine_record.h"
#include "core/project.h"
#include "provider/provider.h"
#include "ssh/session.h"
#include "state/lock.h"

namespace env::core {

struct MachineHandle {
    const Project* project = nullptr;
    const envfile::Machine* spec = nullptr;
    std::optional<MachineRecord> record;  // none: not created
    std::unique_ptr<provider::Provider> provider;
    provider::MachineContext context;

    const std::string& name() const { return spec->name; }
    std::string dir() const { return project->machine_dir(spec->name); }
    // What the commands ask of the machine's provider, through here rather than directly.
    Result<provider::MachineState> state() const;
    Result<provider::SshInfo> ssh_info() const;
};

// provider_override: `up --provider P` (only for a machine not created yet).
Result<MachineHandle> open_machine(const Project& p, const envfile::Machine& m,
                                   const std::string& provider_override = "");

// The lock every changing command holds: <machine dir>/lock (flock; a Busy error naming the
// holder unless wait).
Result<state::MachineLock> lock_machine(const Project& p, const std::string& machine,
                                        const std::string& command_line, bool wait);

// Held around what the machines of a project share on the host (the networks' bridges and
// claims, the hosts files in every machine's directory) while one of them changes it (up)
// or gives it up (destroy, with the removal of its directory), so that machines brought up
// or destroyed at once (core/fleet.h) never interleave there: two destroys each seeing the
// other still on a network would both keep its bridge. An flock on $ENV_HOME/projects.lock
// (outside .envstate, which destroy removes), held for milliseconds.
Result<UniqueFd> lock_project_shared(const Project& p);
// .envstate/destroying-<machine>, made under that lock before the provider removes the
// machine's directory and removed after it: meanwhile the shared parts leave the machine out
// (no hosts file is written into a directory being removed). It lives outside that
// directory so that the removal cannot take it away before the machine's record.
std::string destroying_marker(const Project& p, const std::string& machine);

// One SSH connection attempt series: until authenticated or `timeout`. Stops at once when the
// machine is no longer running (what runs it on the host died, the SSH server exited). A
// timeout error ends with the last lines of the machine's console (provider::Diagnostics).
Result<ssh::Connected> connect_machine(const MachineHandle& h, std::chrono::milliseconds timeout);

// Records the machine's current state in the global index (env global-status).
Result<> update_index(const MachineHandle& h);

// The last `n` lines of a file, "" when it cannot be read.
std::string tail_lines(const std::string& path, int n);

}  // namespace env::core

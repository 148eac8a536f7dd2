#pragma once
// The `container` provider: machines as Linux containers run by a per-machine supervisor
// (supervisor.h). This file is the glue between the Provider contract and that supervisor:
// it turns the spec and the box into config.json, starts the supervisor detached, talks to
// it over control.sock, and cleans up after it when it was killed.
#include <optional>
#include <string>
#include <vector>

#include "host/cgroup_limits.h"
#include "provider/provider.h"
#include "providers/container/seed_files.h"
#include "state/provider_names.h"

namespace env::container {

struct ContainerOptions {
    std::string supervisor_path;       // "" = find_supervisor_executable()
    std::vector<std::string> command;  // replaces the box's command and init when set
    bool network = true;               // eth0 + NAT; off: loopback only
    // Set by default as asked in issue #4. Beware: it makes setuid binaries (sudo) inert,
    // so a box whose SSH user is not root needs it off for privileged provisioning.
    bool no_new_privs = true;
    int stop_timeout_ms = 10000;  // graceful halt: stop signal, then SIGKILL
    int start_timeout_ms = 30000;
    int64_t pids_max = host::default_pids_max;
    // User-namespace mode: the container's ids 0..id_count-1 are host ids id_base.. (root
    // inside is an unprivileged user outside). Fixed when the machine is created.
    bool user_namespace = false;
    uint32_t id_base = 100000;
    uint32_t id_count = 65536;
};

// What the supervisor says about a running machine.
struct ContainerStatus {
    pid_t supervisor = 0;
    pid_t init = 0;  // host pid of the container's pid 1
};

class ContainerProvider final : public provider::Provider {
public:
    explicit ContainerProvider(ContainerOptions options = {}) : options_(std::move(options)) {}

    // Files written into the machine before its first boot (the SSH key seam).
    void set_first_boot_files(std::vector<SeedFile> files) { seeds_ = std::move(files); }

    std::string name() const override { return std::string(state::kContainerProvider); }
    Result<> usable() const override;
    Result<> up(const provider::MachineContext& m) override;
    Result<> halt(const provider::MachineContext& m, bool force) override;
    Result<> destroy(const provider::MachineContext& m) override;
    Result<provider::MachineState> state(const provider::MachineContext& m) const override;
    Result<provider::SshInfo> ssh_info(const provider::MachineContext& m) const override;
    provider::Diagnostics diagnostics(const provider::MachineContext& m) const override;

    Result<ContainerStatus> status(const provider::MachineContext& m) const;

private:
    Result<> remove_leftovers(const provider::MachineContext& m) const;
    Result<> kill_supervisor(const provider::MachineContext& m) const;

    ContainerOptions options_;
    std::vector<SeedFile> seeds_;
};

}  // namespace env::container

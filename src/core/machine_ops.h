#pragma once
// halt, destroy and provision of one machine, each under the machine's lock (the caller's
// loop picks the machines and their order).
#include <string>
#include <vector>

#include "core/machine_handle.h"
#include "provisioners/console.h"
#include "util/error.h"

namespace env::core {

struct ProvisionOptions {
    bool force = false;             // rerun `once` steps
    std::vector<std::string> only;  // --provision-with
    // Where provisioning output goes; null: stdout and stderr (Console::standard()).
    const provisioners::Console* console = nullptr;
};

// Runs the machine's provisioners over an authenticated session (markers in its state dir).
Result<> run_provisioners(const MachineHandle& h, ssh::Session session, const ProvisionOptions& o);

struct OpOptions {
    std::string command_line;
    bool wait = false;
};

// Provisions a running machine (env provision).
Result<> provision_machine(const Project& p, const envfile::Machine& m, const ProvisionOptions& po,
                           const OpOptions& o);
Result<> halt_machine(const Project& p, const envfile::Machine& m, bool force, const OpOptions& o);
// Everything the machine has on the host goes (provider destroy), then its state dir and
// its index entry.
Result<> destroy_machine(const Project& p, const envfile::Machine& m, const OpOptions& o);

}  // namespace env::core

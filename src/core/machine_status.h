#pragma once
// The state of one machine of a project, as `env status` shows it: asked of the provider
// that owns it when the machine was created, "not created" otherwise.
#include <string>

#include "core/machine_record.h"
#include "core/project.h"
#include "provider/provider.h"
#include "state/machine_index.h"

namespace env::core {

struct MachineStatus {
    std::string machine;
    std::string provider;  // the owning provider, or the one `up` would use
    provider::MachineState state = provider::MachineState::NotCreated;
    std::string note;  // e.g. why the state is unknown, or where the log is
};

// The context a provider needs for machine m of project p.
provider::MachineContext machine_context(const Project& p, const envfile::Machine& m,
                                         const MachineRecord* record);

Result<MachineStatus> machine_status(const Project& p, const envfile::Machine& m);

// The live state of a machine the global index names, asked of its provider as `env status`
// asks (not the state the index last recorded, which a killed machine or a killed `env up`
// leaves behind: issue 14). Works without reading the project's Envfile, which may be gone.
Result<MachineStatus> indexed_machine_status(const state::IndexEntry& e);

}  // namespace env::core

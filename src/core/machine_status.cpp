#include "core/machine_status.h"

#include "provider/registry.h"

namespace env::core {

provider::MachineContext machine_context(const Project& p, const envfile::Machine& m,
                                         const MachineRecord* record) {
    provider::MachineContext c;
    c.spec = &m;
    c.project_name = p.name;
    c.project_dir = p.dir;
    c.state_dir = p.machine_dir(m.name);
    if (record) c.box_dir = record->box_dir;
    return c;
}

Result<MachineStatus> machine_status(const Project& p, const envfile::Machine& m) {
    MachineStatus s;
    s.machine = m.name;
    s.provider = m.provider;
    auto record = TRY(load_record(p.machine_dir(m.name)));
    if (!record) return s;
    s.provider = record->provider;
    auto prov = provider::make(record->provider);
    if (!prov) {
        // A record from a provider this build lacks: say so instead of guessing a state.
        s.state = provider::MachineState::Crashed;
        s.note = prov.error().message();
        return s;
    }
    auto ctx = machine_context(p, m, &*record);
    auto st = (*prov)->state(ctx);
    if (!st) return std::unexpected(st.error().context("state of " + m.name));
    s.state = *st;
    if (s.state == provider::MachineState::Crashed) {
        auto d = (*prov)->diagnostics(ctx);
        s.note = d.host_process + " gone" + (d.log_file.empty() ? "" : "; log: " + d.log_file);
    }
    return s;
}

Result<MachineStatus> indexed_machine_status(const state::IndexEntry& e) {
    Project p;
    p.dir = e.project_dir;
    p.state_dir = e.project_dir + "/.envstate";
    p.name = project_name_for(e.project_dir);
    envfile::Machine m;
    m.name = e.machine;
    m.provider = e.provider;
    return machine_status(p, m);
}

}  // namespace env::core

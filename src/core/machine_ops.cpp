#include "core/machine_ops.h"

#include <unistd.h>

#include "core/project_hosts.h"
#include "core/project_networks.h"
#include "provisioners/runner.h"
#include "ssh/ssh_remote.h"
#include "state/machine_index.h"
#include "state/paths.h"
#include "util/sys.h"

namespace env::core {

Result<> run_provisioners(const MachineHandle& h, ssh::Session session, const ProvisionOptions& o) {
    provisioners::Runner runner(h.dir(),
                                o.console ? *o.console : provisioners::Console::standard());
    ssh::SshRemote remote(std::move(session));
    TRY(runner.run(*h.spec, remote, {.force = o.force, .only = o.only}));
    return {};
}

Result<> provision_machine(const Project& p, const envfile::Machine& m, const ProvisionOptions& po,
                           const OpOptions& o) {
    auto lock = TRY(lock_machine(p, m.name, o.command_line, o.wait));
    auto h = TRY(open_machine(p, m));
    auto st = TRY(h.provider->state(h.context));
    if (st != provider::MachineState::Running)
        return fail(ErrorKind::Provider, "machine " + m.name + " is " + provider::to_string(st) +
                                             "; `env up " + m.name + "` first");
    auto conn = TRY(connect_machine(h, std::chrono::seconds(m.boot_timeout)));
    return run_provisioners(h, std::move(conn.session), po);
}

Result<> halt_machine(const Project& p, const envfile::Machine& m, bool force, const OpOptions& o) {
    auto h = TRY(open_machine(p, m));
    if (!h.record) return {};
    auto lock = TRY(lock_machine(p, m.name, o.command_line, o.wait));
    TRY(h.provider->halt(h.context, force));
    return update_index(h);
}

Result<> destroy_machine(const Project& p, const envfile::Machine& m, const OpOptions& o) {
    auto h = TRY(open_machine(p, m));
    if (!h.record && !sys::exists(h.dir())) return {};
    auto lock = TRY(lock_machine(p, m.name, o.command_line, o.wait));
    // Another destroy may have held the lock while we waited for it, and finished: read the
    // machine again under the lock (its .envstate may be gone, with the lock file we hold).
    h = TRY(open_machine(p, m));
    if (!h.record && !sys::exists(h.dir())) return {};
    if (h.record) {
        // The provider removes the directory; machines changing their hosts files meanwhile
        // must leave it alone (machine_handle.h).
        const std::string marker = destroying_marker(p, m.name);
        {
            auto shared = TRY(lock_project_shared(p));
            TRY(sys::write_file_atomic(marker, ""));
        }
        if (auto r = h.provider->destroy(h.context); !r) {
            ::unlink(marker.c_str());
            return r;
        }
    }
    auto shared = TRY(lock_project_shared(p));
    TRY(sys::remove_tree(h.dir()));
    ::unlink(destroying_marker(p, m.name).c_str());
    TRY(state::MachineIndex(state::index_path()).remove(p.dir, m.name));
    TRY(release_machine_networks(p, m));
    TRY(update_project_hosts(p));
    // .envstate/machines and .envstate go too once empty, as before the first up.
    ::rmdir((p.state_dir + "/machines").c_str());
    ::rmdir(p.state_dir.c_str());
    return {};
}

}  // namespace env::core

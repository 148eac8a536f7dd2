#include "core/up.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "box/add.h"
#include "box/manage.h"
#include "core/lock.h"
#include "core/machine_handle.h"
#include "core/machine_ops.h"
#include "core/paths.h"
#include "core/project_hosts.h"
#include "core/project_networks.h"
#include "util/sys.h"

namespace env::core {
namespace {

Result<box::InstalledBox> find_box(const envfile::Machine& m, const std::string& provider) {
    auto found = box::resolve(m.box.name, m.box.constraint, provider);
    if (found || found.error().kind() != ErrorKind::NotFound || m.box_url.empty()) return found;
    spdlog::info("{}: box {} is not installed; adding it from {}", m.name, m.box.name, m.box_url);
    box::AddOptions add;
    add.name = m.box.name;
    add.source = m.box_url;
    add.constraint = m.box.constraint;
    add.provider = provider;
    auto added = box::add(box::Store::user(), add);
    if (!added) return std::unexpected(added.error().context("adding box " + m.box.name));
    return box::resolve(m.box.name, m.box.constraint, provider);
}

}  // namespace

Result<UpResult> up_machine(const Project& p, const envfile::Machine& m, const UpOptions& o) {
    auto lock = TRY(lock_machine(p, m.name, o.command_line, o.wait));
    auto h = TRY(open_machine(p, m, o.provider));
    TRY(h.provider->usable());
    UpResult result;
    auto st = TRY(h.provider->state(h.context));
    result.was_running = st == provider::MachineState::Running;
    // Networks first: a clashing subnet is an Envfile problem, refused before anything exists.
    if (!result.was_running) h.context.nics = TRY(ensure_machine_networks(p, m));
    if (!h.record) {
        auto box = TRY(find_box(m, h.provider->name()));
        MachineRecord r;
        r.provider = h.provider->name();
        r.box = box.name;
        r.box_version = box.version;
        r.box_dir = box.dir;
        r.created = static_cast<int64_t>(std::time(nullptr));
        TRY(save_record(h.dir(), r));
        h.record = r;
        h.context.box_dir = box.dir;
    } else if (!sys::is_dir(h.record->box_dir)) {
        return fail(ErrorKind::NotFound, "machine " + m.name + " was created from box " +
                                             h.record->box + " " + h.record->box_version +
                                             ", which is no longer installed (" +
                                             h.record->box_dir + ")");
    }
    if (st == provider::MachineState::Crashed)
        spdlog::warn("{}: its supervisor had died; recovering the machine", m.name);
    auto start = std::chrono::steady_clock::now();
    if (!result.was_running) {
        TRY(update_project_hosts(p, m.name));
        if (auto r = h.provider->up(h.context); !r) {
            (void)update_index(h);
            return std::unexpected(r.error());
        }
        TRY(update_project_hosts(p));  // with the addresses it leased
    }
    auto conn = connect_machine(h, std::chrono::seconds(m.boot_timeout));
    (void)update_index(h);
    if (!conn) return std::unexpected(conn.error());
    result.ssh_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count());
    spdlog::info("{}: SSH ready after {} ms", m.name, result.ssh_ms);

    bool provision = o.provision.value_or(!result.was_running) || !o.provision_with.empty();
    if (o.provision == false) provision = false;
    if (provision) {
        ProvisionOptions po{.force = o.provision.value_or(false), .only = o.provision_with};
        TRY(run_provisioners(h, std::move(conn->session), po));
    }
    return result;
}

}  // namespace env::core

#include "core/up.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>

#include <chrono>
#include <ctime>

#include "box/add.h"
#include "box/manage.h"
#include "box/store.h"
#include "core/machine_handle.h"
#include "core/machine_ops.h"
#include "core/project_hosts.h"
#include "core/project_networks.h"
#include "state/lock.h"
#include "state/paths.h"
#include "util/sys.h"

namespace env::core {
namespace {

// An flock on <boxes>/.add-<name>.lock (a file: the store lists directories only). flocks
// of two fds conflict within one process too, so it serialises threads and processes alike.
Result<UniqueFd> lock_box_add(const std::string& name) {
    TRY(sys::make_dirs(state::boxes_dir(), 0755));
    std::string path = state::boxes_dir() + "/.add-" + box::Store::escape_name(name) + ".lock";
    UniqueFd fd = TRY(sys::open(path, O_RDWR | O_CREAT, 0600));
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) return fail_errno("lock " + path);
    return fd;
}

Result<box::InstalledBox> find_box(const envfile::Machine& m, const std::string& provider,
                                   const UpOptions& o) {
    auto found = box::resolve(m.box.name, m.box.constraint, provider);
    if (found || found.error().kind() != ErrorKind::NotFound || m.box_url.empty()) return found;
    // Machines coming up at once may all lack the same box: the first adds it while the
    // others wait on the box's add lock, then find it installed.
    auto add_lock = TRY(lock_box_add(m.box.name));
    found = box::resolve(m.box.name, m.box.constraint, provider);
    if (found || found.error().kind() != ErrorKind::NotFound) return found;
    spdlog::info("{}: box {} is not installed; adding it from {}", m.name, m.box.name, m.box_url);
    box::AddOptions add;
    add.name = m.box.name;
    add.source = m.box_url;
    add.constraint = m.box.constraint;
    add.provider = provider;
    if (o.on_step) {
        // The download's progress goes to the machine's row: a bar of its own would be drawn
        // across the rows, and its plain lines would not name the machine. The CLI's board
        // redraws its rows in place on a terminal that can show them all, else appends lines.
        add.download.label = "downloading";
        add.download.progress_sink = {
            .report =
                [&](const std::string& s) { o.on_step("adding box " + m.box.name + ": " + s); },
            .live = o.steps_redrawn};
    }
    auto added = box::add(box::Store::user(), add);
    if (!added) return std::unexpected(added.error().context("adding box " + m.box.name));
    return box::resolve(m.box.name, m.box.constraint, provider);
}

}  // namespace

Result<UpResult> up_machine(const Project& p, const envfile::Machine& m, const UpOptions& o) {
    auto step = [&](std::string_view what) {
        if (o.on_step) o.on_step(what);
    };
    auto lock = TRY(lock_machine(p, m.name, o.command_line, o.wait));
    auto h = TRY(open_machine(p, m, o.provider));
    TRY(h.provider->usable());
    UpResult result;
    auto st = TRY(h.provider->state(h.context));
    result.was_running = st == provider::MachineState::Running;
    // Networks first: a clashing subnet is an Envfile problem, refused before anything exists.
    if (!result.was_running) {
        auto shared = TRY(lock_project_shared(p));
        h.context.attachments = TRY(ensure_machine_networks(p, m));
    }
    if (!h.record) {
        step("finding box " + m.box.name);
        auto box = TRY(find_box(m, h.provider->name(), o));
        MachineRecord r;
        r.provider = h.provider->name();
        r.box = box.name;
        r.box_version = box.version;
        r.box_dir = box.dir;
        r.created = static_cast<int64_t>(std::time(nullptr));
        TRY(save_record(h.dir(), r));
        h.record = r;
        h.context.box_dir = box.dir;
        // Indexed before it starts: global-status asks its provider for the live state.
        (void)update_index(h);
    } else if (!sys::is_dir(h.record->box_dir)) {
        return fail(ErrorKind::NotFound, "machine " + m.name + " was created from box " +
                                             h.record->box + " " + h.record->box_version +
                                             ", which is no longer installed (" +
                                             h.record->box_dir + ")");
    }
    if (st == provider::MachineState::Crashed)
        spdlog::warn("{}: its {} had died; recovering the machine", m.name,
                     h.provider->diagnostics(h.context).host_process);
    // Vagrant's rule: provision a machine that was not running, unless told otherwise. A
    // marker says "this machine's provisioning has not finished": written before the
    // machine starts, removed once its provisioners have run (or failed, with their error
    // shown). An up killed in between leaves it, and the next up, finding the machine
    // running, finishes the job instead of saying "already running" (issue 14).
    bool provision = o.provision.value_or(!result.was_running) || !o.provision_with.empty();
    if (o.provision == false) provision = false;
    const std::string pending = h.dir() + "/provision-pending";
    if (!provision && !o.provision.has_value() && sys::exists(pending)) {
        spdlog::info("{}: an earlier up did not finish provisioning; finishing it", m.name);
        provision = true;
    }
    if (provision)
        TRY(sys::write_file_atomic(pending, ""));
    else if (o.provision == false)
        ::unlink(pending.c_str());
    auto start = std::chrono::steady_clock::now();
    if (!result.was_running) {
        step("starting");
        {
            auto shared = TRY(lock_project_shared(p));
            TRY(update_project_hosts(p, m.name));
        }
        auto started = h.provider->up(h.context);
        // In the index at once, running or not: an up killed during the SSH wait must not
        // leave a running machine that global-status does not know (issue 14).
        (void)update_index(h);
        if (!started) return std::unexpected(started.error());
        auto shared = TRY(lock_project_shared(p));
        TRY(update_project_hosts(p));  // with the addresses it leased
    }
    step("waiting for SSH");
    auto conn = connect_machine(h, std::chrono::seconds(m.boot_timeout));
    (void)update_index(h);
    if (!conn) return std::unexpected(conn.error());
    result.ssh_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count());
    spdlog::info("{}: SSH ready after {} ms", m.name, result.ssh_ms);

    if (provision) {
        step("provisioning");
        ProvisionOptions po{
            .force = o.provision.value_or(false), .only = o.provision_with, .console = o.console};
        auto ran = run_provisioners(h, std::move(conn->session), po);
        ::unlink(pending.c_str());
        if (!ran) return std::unexpected(ran.error());
    }
    return result;
}

}  // namespace env::core

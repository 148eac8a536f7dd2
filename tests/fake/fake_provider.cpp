#include "fake_provider.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "box/metadata.h"
#include "ssh/keys.h"
#include "util/sys.h"

namespace env::fake {
namespace {

Cloud* g_current = nullptr;

struct FakeRecord {
    std::string state;  // running, stopped
    int port = 0;
    int boots = 0;
    std::string user;
};

std::string console_path(const std::string& state_dir) {
    return fake_dir(state_dir) + "/console.log";
}

std::string record_path(const std::string& state_dir) {
    return fake_dir(state_dir) + "/machine.json";
}

Result<std::optional<FakeRecord>> load(const std::string& state_dir) {
    if (!sys::exists(record_path(state_dir))) return std::nullopt;
    auto text = TRY(sys::read_file(record_path(state_dir)));
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return fail(ErrorKind::Invalid, record_path(state_dir) + ": not JSON");
    return FakeRecord{j.value("state", ""), j.value("port", 0), j.value("boots", 0),
                      j.value("user", "")};
}

// The attachments up was handed are kept, so a test can see what core made of `networks:`.
Result<> save(const std::string& state_dir, const FakeRecord& r,
              const std::vector<provider::Attachment>& attachments) {
    auto ja = nlohmann::json::array();
    for (auto& a : attachments)
        ja.push_back({{"network", a.network},
                      {"index", a.index},
                      {"bridged", a.bridged},
                      {"link", a.link},
                      {"name", a.name},
                      {"mac", a.mac},
                      {"address", a.address},
                      {"dhcp", a.dhcp}});
    nlohmann::json j = {{"state", r.state},
                        {"port", r.port},
                        {"boots", r.boots},
                        {"user", r.user},
                        {"attachments", ja}};
    return sys::write_file_atomic(record_path(state_dir), j.dump(1) + "\n");
}

Result<> append_console(const std::string& state_dir, const std::string& line) {
    UniqueFd fd = TRY(sys::open(console_path(state_dir), O_WRONLY | O_CREAT | O_APPEND, 0644));
    return sys::write_all(fd.get(), line + "\n");
}

// The account SSH logs in as: the Envfile's ssh.user, else the box's.
std::string ssh_user(const provider::MachineContext& m) {
    if (!m.spec->ssh_user.empty()) return m.spec->ssh_user;
    auto meta = box::Metadata::load(m.box_dir);
    return meta && !meta->user.empty() ? meta->user : "root";
}

// First boot: the guest's filesystem starts as a copy of the box's rootfs.
Result<> make_root(const provider::MachineContext& m) {
    std::string root = guest_root(m.state_dir);
    if (sys::is_dir(root)) return {};
    auto meta = TRY(box::Metadata::load(m.box_dir));
    std::string from = m.box_dir + "/" + (meta.rootfs.empty() ? "rootfs" : meta.rootfs);
    std::string staging = root + ".new";
    (void)sys::remove_tree(staging);
    TRY(sys::make_dirs(staging));
    std::error_code ec;
    if (sys::is_dir(from))
        std::filesystem::copy(
            from, staging,
            std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks,
            ec);
    if (ec) return fail(ErrorKind::Io, "copy " + from + ": " + ec.message());
    if (::rename(staging.c_str(), root.c_str()) != 0) return fail_errno("rename " + staging);
    return {};
}

}  // namespace

std::string fake_dir(const std::string& state_dir) {
    return state_dir + "/fake";
}
std::string guest_root(const std::string& state_dir) {
    return fake_dir(state_dir) + "/root";
}

Cloud::Cloud() {
    g_current = this;
}

Cloud::~Cloud() {
    std::map<std::string, std::unique_ptr<FakeGuest>> guests;
    {
        std::lock_guard l(mu_);
        guests.swap(guests_);
    }
    guests.clear();  // each stops its server and joins its threads
    if (g_current == this) g_current = nullptr;
}

Cloud* Cloud::current() {
    return g_current;
}

void Cloud::set_faults(const std::string& machine, Faults f) {
    std::lock_guard l(mu_);
    faults_[machine] = std::move(f);
}

Faults Cloud::faults(const std::string& machine) const {
    std::lock_guard l(mu_);
    auto it = faults_.find(machine);
    return it == faults_.end() ? Faults{} : it->second;
}

bool Cloud::stop_guest(const std::string& state_dir) {
    std::unique_ptr<FakeGuest> g;
    {
        std::lock_guard l(mu_);
        auto it = guests_.find(state_dir);
        if (it == guests_.end()) return false;
        g = std::move(it->second);
        guests_.erase(it);
    }
    g.reset();  // stopped outside the lock: it joins its connections
    return true;
}

void Cloud::crash(const std::string& state_dir) {
    if (stop_guest(state_dir)) (void)append_console(state_dir, "fake: the machine crashed");
}

std::vector<std::string> Cloud::calls() const {
    std::lock_guard l(mu_);
    return calls_;
}

size_t Cloud::running() const {
    std::lock_guard l(mu_);
    return guests_.size();
}

void Cloud::record(std::string call) {
    std::lock_guard l(mu_);
    calls_.push_back(std::move(call));
}

Result<> FakeProvider::usable() const {
    if (!cloud_) return fail(ErrorKind::Internal, "the fake provider needs a fake::Cloud");
    return {};
}

Result<> FakeProvider::up(const provider::MachineContext& m) {
    TRY(usable());
    const std::string& name = m.spec->name;
    cloud_->record("up " + name);
    Faults f = cloud_->faults(name);
    if (!f.up_fails.empty()) return fail(ErrorKind::Provider, "fake: " + f.up_fails);
    if (TRY(state(m)) == provider::MachineState::Running) return {};

    TRY(sys::make_dirs(fake_dir(m.state_dir), 0700));
    auto keys = TRY(ssh::ensure_machine_keys(fake_dir(m.state_dir) + "/ssh", name));
    TRY(make_root(m));
    FakeRecord r = TRY(load(m.state_dir)).value_or(FakeRecord{});
    r.user = ssh_user(m);
    GuestOptions o;
    o.machine = name;
    o.root = guest_root(m.state_dir);
    o.host_key_file = keys.host_key_file;
    o.authorized_key_file = keys.public_key_file;
    o.user = r.user;
    o.log_file = fake_dir(m.state_dir) + "/guest.log";
    o.listen_after = f.boot_delay;
    o.never_listen = f.ssh_never_answers;
    auto guest = TRY(FakeGuest::start(o));
    r.port = guest->port();
    r.state = "running";
    ++r.boots;
    TRY(ssh::write_known_hosts(fake_dir(m.state_dir) + "/known_hosts", "127.0.0.1", r.port,
                               keys.host_public_key_file));
    TRY(save(m.state_dir, r, m.attachments));
    TRY(append_console(m.state_dir,
                       "fake: boot " + std::to_string(r.boots) +
                           (f.ssh_never_answers ? ": the SSH server did not start"
                                                : ": SSH on 127.0.0.1:" + std::to_string(r.port))));
    {
        std::lock_guard l(cloud_->mu_);
        cloud_->guests_[m.state_dir] = std::move(guest);
    }
    if (f.crash_after_up) cloud_->crash(m.state_dir);
    return {};
}

Result<> FakeProvider::halt(const provider::MachineContext& m, bool force) {
    TRY(usable());
    cloud_->record(std::string(force ? "halt -f " : "halt ") + m.spec->name);
    auto r = TRY(load(m.state_dir));
    if (!r) return {};
    cloud_->stop_guest(m.state_dir);
    r->state = "stopped";
    TRY(save(m.state_dir, *r, {}));
    return append_console(m.state_dir, "fake: halted");
}

Result<> FakeProvider::destroy(const provider::MachineContext& m) {
    TRY(usable());
    cloud_->record("destroy " + m.spec->name);
    cloud_->stop_guest(m.state_dir);
    return sys::remove_tree(fake_dir(m.state_dir));
}

Result<provider::MachineState> FakeProvider::state(const provider::MachineContext& m) const {
    TRY(usable());
    auto r = TRY(load(m.state_dir));
    if (!r) return provider::MachineState::NotCreated;
    if (r->state == "stopped") return provider::MachineState::Stopped;
    std::lock_guard l(cloud_->mu_);
    return cloud_->guests_.count(m.state_dir) ? provider::MachineState::Running
                                              : provider::MachineState::Crashed;
}

Result<provider::SshInfo> FakeProvider::ssh_info(const provider::MachineContext& m) const {
    TRY(usable());
    auto r = TRY(load(m.state_dir));
    if (!r) return fail(ErrorKind::NotFound, "machine " + m.spec->name + " is not created");
    provider::SshInfo info;
    info.port = r->port;
    info.user = r->user;
    info.identity_file = fake_dir(m.state_dir) + "/ssh/id_ed25519";
    info.known_hosts_file = fake_dir(m.state_dir) + "/known_hosts";
    return info;
}

provider::Diagnostics FakeProvider::diagnostics(const provider::MachineContext& m) const {
    return {.host_process = "fake guest",
            .log_file = fake_dir(m.state_dir) + "/guest.log",
            .console_file = console_path(m.state_dir)};
}

}  // namespace env::fake

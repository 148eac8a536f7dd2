#pragma once
// A provider for tests of core's pipelines (up, halt, destroy, status, provision, fleets)
// that needs no root. A machine is a few files in its state directory and, while it runs, a
// real SSH server in this process (fake_guest.h) whose exec requests run in the machine's
// root directory. Core talks to it through the provider seam only, exactly as it talks to
// the container provider; tests make it fail on demand (Faults) to reach the error paths.
// A test binary registers it under a built-in provider's name (fake_registry.h): provider
// names are one fixed list (state/provider_names.h).
//
// Its files, all under the machine's state_dir (which the provider owns):
//   fake/machine.json   {"state": "running"|"stopped", "port", "boots", "user",
//                       "attachments": what up was handed for the Envfile's networks}
//   fake/ssh/           the machine's user and host keys (ssh::ensure_machine_keys)
//   fake/known_hosts    the pinned host key for 127.0.0.1:port
//   fake/root/          the guest's filesystem: a copy of the box's rootfs, then whatever
//                       provisioning did there
//   fake/guest.log      one line per SSH connection and command
//   fake/console.log    one line per boot, halt and crash (its Diagnostics' console: core
//                       shows its tail when SSH does not answer)
//
// "running" in machine.json with no SSH server of this process behind it reads as Crashed,
// as a container whose supervisor died.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_guest.h"
#include "provider/provider.h"

namespace env::fake {

// What one machine does wrong, by machine name; set by a test before the pipeline runs.
struct Faults {
    std::string up_fails;                     // non-empty: up() fails with this, nothing is started
    bool ssh_never_answers = false;           // up() succeeds but no SSH server ever listens
    bool crash_after_up = false;              // up() succeeds, then the machine dies at once
    std::chrono::milliseconds boot_delay{0};  // SSH listens only this long after up()
};

// The fake's world: the machines running in this process and the faults to inject. One per
// test (the constructor makes it current(); providers made meanwhile act in it).
class Cloud {
public:
    Cloud();
    ~Cloud();  // stops every machine still running
    Cloud(const Cloud&) = delete;
    Cloud& operator=(const Cloud&) = delete;
    static Cloud* current();

    void set_faults(const std::string& machine, Faults f);
    // The machine dies as if its process had been killed: machine.json still says running.
    void crash(const std::string& state_dir);
    // Provider calls in the order they came, "up web1", "halt web1", "destroy web1".
    std::vector<std::string> calls() const;
    // How many machines have an SSH server now.
    size_t running() const;

private:
    friend class FakeProvider;
    Faults faults(const std::string& machine) const;
    void record(std::string call);
    // Stops the machine's SSH server if it runs; false if none did.
    bool stop_guest(const std::string& state_dir);

    mutable std::mutex mu_;
    std::map<std::string, std::unique_ptr<FakeGuest>> guests_;  // by state_dir
    std::map<std::string, Faults> faults_;
    std::vector<std::string> calls_;
};

class FakeProvider : public provider::Provider {
public:
    // name: the one it is registered under (records say it); cloud: Cloud::current().
    FakeProvider(std::string name, Cloud* cloud) : name_(std::move(name)), cloud_(cloud) {}
    std::string name() const override { return name_; }
    Result<> usable() const override;
    Result<> up(const provider::MachineContext& m) override;
    Result<> halt(const provider::MachineContext& m, bool force) override;
    Result<> destroy(const provider::MachineContext& m) override;
    Result<provider::MachineState> state(const provider::MachineContext& m) const override;
    Result<provider::SshInfo> ssh_info(const provider::MachineContext& m) const override;
    provider::Diagnostics diagnostics(const provider::MachineContext& m) const override;

private:
    std::string name_;
    Cloud* cloud_;
};

// The fake's files of a machine (see above).
std::string fake_dir(const std::string& state_dir);
std::string guest_root(const std::string& state_dir);

}  // namespace env::fake

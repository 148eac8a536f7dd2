#pragma once
// The provider contract, about Vagrant's size. A provider turns one validated machine spec
// into a running machine and back. It never sees YAML: it reads envfile::Machine and checks
// the options it cares about in usable()/up(). Optional capabilities (suspend, snapshot)
// are separate interfaces a provider may also implement.
#include <memory>
#include <string>
#include <vector>

#include "envfile/model.h"
#include "util/error.h"

namespace env::provider {

enum class MachineState { NotCreated, Running, Stopped, Crashed, Paused };
const char* to_string(MachineState s);

// Where and how to reach a machine's SSH server.
struct SshInfo {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string user;
    std::string identity_file;     // the machine's private key
    std::string known_hosts_file;  // holds the machine's pinned host key
};

// One extra network a machine joins (the Envfile's `networks:`): "this machine joins bridge
// `link` of network `network` with MAC `mac`, address `address` or DHCP". The core has made
// the host side (the project's bridge and subnet claim, our DHCP server's lease: see
// src/core/project_networks.h); the provider makes the machine's own link onto it (a
// container a veth, or a macvlan when bridged; a VM a tap) and removes it again.
struct Attachment {
    std::string network;   // its name in the Envfile
    int index = 0;         // its place in the machine's `networks:` list: stable link names
    bool bridged = false;  // `link` is a host interface on a LAN, not a project bridge
    std::string link;      // the project's bridge, or the host interface (bridged)
    std::string name;      // the interface inside the machine: eth1, eth2, ...
    std::string mac;       // given or generated stably from project, machine and NIC
    std::string address;   // "192.168.56.10/24"; empty with dhcp
    bool dhcp = false;
    // dhcp on host-only/internal: "192.168.77.100/24", what our server on the machine's link
    // offers (the lease the core made); empty when bridged (the LAN's server answers).
    std::string dhcp_offer;
};

// What a user is shown about a machine that stopped, crashed or does not answer, so that
// the core and the CLI never name a provider's files or processes.
struct Diagnostics {
    std::string host_process;  // what runs the machine on the host: "supervisor", "env-vmm"
    std::string log_file;      // that process's own log ("" none)
    std::string console_file;  // what the machine wrote to its console ("" none)
};

// Everything a provider needs about one machine besides its spec.
struct MachineContext {
    const envfile::Machine* spec = nullptr;
    std::string project_name;  // short, host-safe; prefixes host objects
    std::string project_dir;   // directory of the Envfile
    std::string state_dir;     // .envstate/machines/<name>: the provider owns its contents
    std::string box_dir;       // the extracted box, read-only
    std::vector<Attachment> attachments;  // set by `up` only (other commands leave it empty)
};

class Provider {
public:
    virtual ~Provider() = default;
    virtual std::string name() const = 0;
    // Can this host run machines of this provider? The error says what is missing.
    virtual Result<> usable() const = 0;
    // Creates (first time) or starts the machine; returns once it is running, not
    // necessarily once SSH answers (the up pipeline waits for that).
    virtual Result<> up(const MachineContext& m) = 0;
    virtual Result<> halt(const MachineContext& m, bool force) = 0;
    // Removes everything the machine owns on the host. Idempotent; works on a crashed machine.
    virtual Result<> destroy(const MachineContext& m) = 0;
    virtual Result<MachineState> state(const MachineContext& m) const = 0;
    virtual Result<SshInfo> ssh_info(const MachineContext& m) const = 0;
    virtual Diagnostics diagnostics(const MachineContext& m) const = 0;
};

}  // namespace env::provider

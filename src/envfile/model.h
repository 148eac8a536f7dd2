#pragma once
// The Envfile after parsing, loop expansion and validation: plain structs that providers
// and provisioners read. Nothing here knows YAML. Every value has been checked, so a consumer
// never re-validates sizes, addresses or names.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace env::envfile {

// Where a value came from, for messages that point back into the Envfile.
struct Mark {
    int line = 0;  // 1-based; 0 when unknown
    int col = 0;
};

enum class NetworkType { Nat, HostOnly, Internal, Bridged };

struct Network {
    std::string name;
    NetworkType type = NetworkType::HostOnly;
    std::string subnet;     // CIDR, e.g. "192.168.56.0/24"; empty for nat and some bridged
    bool dhcp = false;      // the network serves DHCP to machines without a static ip
    std::string interface;  // bridged only: the host interface to join
    Mark mark;
};

struct NetworkAttachment {
    std::string network;  // a key of Envfile::networks
    std::string ip;       // static address, empty when dhcp
    bool dhcp = false;
    std::string mac;  // empty: generated
    Mark mark;
};

struct PortForward {
    int guest = 0;
    int host = 0;
    std::string host_ip = "127.0.0.1";
    std::string protocol = "tcp";  // tcp | udp
    Mark mark;
};

struct SyncedFolder {
    std::string source;  // absolute, resolved against the Envfile's directory
    std::string target;
    bool disabled = false;
    Mark mark;
};

enum class RunWhen { Once, Always, Never };

struct Provisioner {
    enum class Kind { Shell, File } kind = Kind::Shell;
    std::string name;  // given or derived ("shell #1"); targets --provision-with
    // shell
    std::string inline_script;
    std::string path;  // absolute; the script to upload and run
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    bool privileged = true;
    RunWhen run = RunWhen::Once;
    // file
    std::string source;  // absolute
    std::string destination;
    // The Envfile's directory. A machine may write it (it is synced), so a `path` or
    // `source` inside it is opened beneath it: no '..' or symlink may lead out of it.
    std::string project_dir;
    Mark mark;
};

struct BoxRef {
    std::string name;        // "debian-12"
    std::string constraint;  // "" or ">=1.0,<2"
};

struct Machine {
    std::string name;
    BoxRef box;
    std::string box_url;
    std::string provider;  // kvm | container
    std::string hostname;  // defaults to name
    int cpus = 1;
    uint64_t memory = 512ull << 20;  // bytes
    int cpu_cap = 100;               // percent of one CPU per vCPU; 100 = no cap
    uint64_t disk = 0;               // bytes; 0 = the box's size
    int boot_timeout = 300;          // seconds
    std::string ssh_user;            // "" = the box's user
    std::vector<NetworkAttachment> networks;
    std::vector<PortForward> ports;
    std::vector<SyncedFolder> synced_folders;
    std::vector<Provisioner> provision;  // project-wide ones first, then the machine's
    bool autostart = true;
    bool primary = false;
    Mark mark;
};

struct Envfile {
    std::string path;  // absolute path of the Envfile
    std::string dir;   // its directory: the project root
    int version = 1;
    std::map<std::string, Network> networks;
    std::vector<Machine> machines;  // in file order, loops expanded in iteration order

    const Machine* find(const std::string& name) const {
        for (auto& m : machines)
            if (m.name == name) return &m;
        return nullptr;
    }
};

}  // namespace env::envfile

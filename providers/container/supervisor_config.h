#pragma once
// Everything the supervisor needs to run one machine, decided by the provider (which reads
// the spec and the box) and handed over as <state_dir>/config.json. The supervisor reads
// nothing else, so a machine's configuration can be inspected in one file.
#include <csignal>
#include <cstdint>
#include <string>
#include <vector>

#include "host/cgroup_limits.h"
#include "providers/container/mount_plan.h"
#include "util/error.h"

namespace env::container {

struct PortForwardConfig {
    std::string host_ip = "127.0.0.1";
    int host_port = 0;
    int guest_port = 0;
    std::string protocol = "tcp";
};

// One extra NIC as the supervisor plugs it in (extra_nics.h): the seam's attachment
// (provider::Attachment) turned into the container's link.
struct ExtraNicConfig {
    std::string network;   // its name in the Envfile
    bool macvlan = false;  // bridged: a macvlan on `link`; else a veth whose host end joins `link`
    std::string link;      // the project's bridge, or the host interface (bridged)
    std::string host_end;  // the veth's host end (also the macvlan's name until it moves)
    std::string name;      // inside the machine: eth1, eth2, ...
    std::string mac;
    std::string address;  // "192.168.56.10/24"; empty with dhcp
    bool dhcp = false;
    std::string dhcp_offer;  // see provider::Attachment
};

struct SupervisorConfig {
    std::string project;
    std::string machine;
    std::string hostname;
    std::string state_dir;  // absolute
    std::string lower_dir;  // the box's rootfs, read-only lower layer
    std::vector<BindMount> binds;
    std::vector<std::string> masked;  // see RootfsInputs::masked
    std::string cgroup_name;
    host::CgroupLimits limits;
    // Exec'd as pid 1 when set (the box's own init); otherwise our small init runs command.
    std::vector<std::string> init;
    std::vector<std::string> command;
    std::vector<std::string> env;  // KEY=VALUE for pid 1 and what it starts
    int stop_signal = SIGTERM;
    int stop_timeout_ms = 10000;
    bool network = true;  // create eth0 (tap) and hand it to the NAT stack
    std::vector<PortForwardConfig> forwards;
    std::vector<ExtraNicConfig> nics;  // eth1...: extra networks (extra_nics.h)
    bool no_new_privs = true;
    // User-namespace mode: container ids 0..id_count-1 are host ids id_base.. (see README).
    bool user_namespace = false;
    uint32_t id_base = 0;
    uint32_t id_count = 0;
    std::vector<int> capabilities;  // kept set; see capabilities.h
};

std::string to_json(const SupervisorConfig& c);
Result<SupervisorConfig> config_from_json(const std::string& text);

// "SIGTERM", "TERM", "SIGRTMIN+3", "15" -> number.
Result<int> parse_signal(const std::string& name);

}  // namespace env::container

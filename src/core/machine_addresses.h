#pragma once
// A machine's addresses on its project's extra networks (host-only, internal, bridged):
// the static `ip` the Envfile gives, or the DHCP lease its provider recorded in
// <machine dir>/leases.json ({"eth1": "192.168.77.100", ...}; eth1 is the first extra
// network in the machine's list, NAT being eth0). Read by the hosts files and `env status`.
#include <map>
#include <string>

#include "core/project.h"

namespace env::core {

// network name -> address; networks without an address yet (a lease not taken) are absent.
std::map<std::string, std::string> machine_addresses(const Project& p, const envfile::Machine& m);

// "192.168.77.10 (front), 10.77.0.10 (back)", in the machine's order of networks.
std::string describe_addresses(const envfile::Machine& m,
                               const std::map<std::string, std::string>& addresses);

}  // namespace env::core

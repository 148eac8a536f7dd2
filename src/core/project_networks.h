#pragma once
// The host side of a machine's extra networks (the Envfile's `networks:`), around the
// provider: `up` ensures each network's bridge and subnet claim (net::HostNetworks) and
// hands the provider one provider::Attachment per network; `destroy` releases a network once no
// created machine of the project is on it any more (a halted machine keeps its bridge).
#include <vector>

#include "core/project.h"
#include "provider/provider.h"
#include "util/error.h"

namespace env::core {

// $ENV_HOME/networks.json: every project's subnet claims (net/host_network.h).
std::string network_claims_path();

Result<std::vector<provider::Attachment>> ensure_machine_networks(const Project& p,
                                                                  const envfile::Machine& m);
// After the machine's provider destroy (which removed the machine's own links): releases its
// DHCP leases and each of its networks that no other created machine of the project uses.
Result<> release_machine_networks(const Project& p, const envfile::Machine& m);

}  // namespace env::core

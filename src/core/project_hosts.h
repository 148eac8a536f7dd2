#pragma once
// Name resolution between the machines of a project: every machine with extra networks
// gets its own hosts file, <machine dir>/etc-env/hosts, which the provider shows as the
// machine's /etc/hosts (the container provider binds etc-env/ read-only at /etc/env and
// makes /etc/hosts a link to env/hosts). Each file lists the machine itself and every other
// created machine it shares a network with, by name and hostname, at that machine's address
// on the first network they share (the one the reader can reach). Files are replaced by
// rename inside the bound directory, so a running machine sees the new one at once.
// Static addresses come from the Envfile, DHCP ones from <machine dir>/leases.json (written
// by the machine's provider: {"eth1": "192.168.77.100", ...}).
#include <string>

#include "core/project.h"
#include "util/error.h"

namespace env::core {

// Rewrites the hosts file of every created machine of p (and of `coming`, about to be
// created), under the project's lock so that concurrent ups do not interleave.
Result<> update_project_hosts(const Project& p, const std::string& coming = "");

}  // namespace env::core

#pragma once
// Name resolution for a machine on extra networks: the hosts file the core keeps in
// <state_dir>/etc-env/ (core/project_hosts.h) is bound with its directory at /etc/env
// read-only, and /etc/hosts in the upper layer becomes a link to env/hosts. A directory
// rather than the file, so the core can replace the file by rename (a file bind would keep
// the old inode). A machine no longer on any network gets a plain hosts file back.
#include <cstdint>
#include <string>
#include <vector>

#include "providers/container/mount_plan.h"
#include "util/error.h"

namespace env::container {

Result<> use_project_hosts(const std::string& state_dir, const std::string& upper,
                           const std::string& hostname, uint32_t id_offset, bool on_networks,
                           std::vector<BindMount>& binds);

}  // namespace env::container

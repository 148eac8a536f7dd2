#pragma once
// The project's .envstate wherever a synced folder shows it inside a machine (the project
// at /env, by default): it holds every machine's private keys, and files env trusts on its
// next command (state.json names the cgroup that destroy empties). A machine has no
// business reading or changing them, so the supervisor hides each such path under an empty
// read-only tmpfs (RootfsInputs::masked). The rest of the project stays shared, as
// Vagrant's /vagrant is.
#include <string>
#include <vector>

#include "providers/container/mount_plan.h"

namespace env::container {

// machine_dir is <project>/.envstate/machines/<name>. Binds whose source lies inside the
// state (the hosts file at /etc/env) are the provider's own and are not masked.
std::vector<std::string> state_masks(const std::string& machine_dir,
                                     const std::vector<BindMount>& binds);

}  // namespace env::container

#pragma once
// Plugs a container into its extra networks (eth1, eth2, ...; provider::Nic, whose host side
// the core has made: the project's bridge, or the host interface for bridged). Per NIC:
//   host-only, internal  a veth pair: the host end joins the bridge, the other end moves
//                        into the container's network namespace;
//   bridged              a macvlan (bridge mode) on the host interface, moved in likewise.
// Inside, the link is renamed ethN and gets its MAC, its static address (or a DHCP lease,
// dhcp_client.h) and up. The supervisor does this from the host's namespace once the
// container's init runs (the child makes its namespace itself, so its pid is the handle);
// a thread that setns()es into the container's namespace talks netlink there.
#include <sys/types.h>

#include <functional>
#include <vector>

#include "provider/provider.h"
#include "util/error.h"

namespace env::container {

Result<> attach_extra_nics(const std::vector<provider::Nic>& nics, pid_t init_pid);

// Deletes the host ends still present (deleting one end removes the pair). The kernel also
// removes them when the container's namespace goes, but asynchronously: a bridge that must
// be released right after a destroy cannot wait for that.
void detach_extra_nics(const std::vector<provider::Nic>& nics);

// Runs f on a thread that has joined the network namespace of pid.
Result<> in_netns_of(pid_t pid, const std::function<Result<>()>& f);

}  // namespace env::container

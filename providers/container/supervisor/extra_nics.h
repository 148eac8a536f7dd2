#pragma once
// Plugs a container into its extra networks (eth1, eth2, ...; provider::Attachment, whose host
// side the core has made, as ExtraNicConfig: the project's bridge, or the host interface for
// bridged). Per NIC:
//   host-only, internal  a veth pair: the host end joins the bridge, the other end moves
//                        into the container's network namespace;
//   bridged              a macvlan (bridge mode) on the host interface, moved in likewise.
// Inside, the link is renamed ethN and gets its MAC, its static address or a DHCP lease, and
// up. The supervisor does this from the host's namespace as soon as the child has made its
// network namespace and before it lets the child exec the init, so that services find their
// addresses at boot (the child makes its namespace itself, so its pid is the handle); a
// thread that setns()es into the container's namespace talks netlink and runs the DHCP client there
// (net/dhcp_client.h), while our DHCP server for the machine (net/dhcp_server.h) answers on
// the veth's host end for as long as the supervisor lives. A finite lease (a LAN's server on
// a bridged network) is renewed from then on by a net::DhcpRenewer whose thread lives in the
// container's namespace until this object goes; an address it changes is written to
// leases.json like the first.
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/dhcp_renewer.h"
#include "net/dhcp_server.h"
#include "providers/container/supervisor_config.h"
#include "util/error.h"

namespace env::container {

class ExtraNics {
public:
    // leases_json: where the DHCP addresses the machine got are written ({"eth1": "..."}),
    // for the project's hosts files (core/project_hosts.h).
    static Result<std::unique_ptr<ExtraNics>> attach(const std::vector<ExtraNicConfig>& nics,
                                                     pid_t init_pid,
                                                     const std::string& leases_json);

private:
    // Records nic's address (none: nullopt) and rewrites leases.json.
    Result<> record_lease(const std::string& nic, const std::optional<uint32_t>& address);
    Result<> write_leases() const;  // leased_ as JSON, {"eth1": "192.168.1.23"}
    Result<> start_renewer(const ExtraNicConfig& n, const net::DhcpLease& lease, pid_t init_pid);

    std::vector<std::unique_ptr<net::DhcpServer>> servers_;
    std::mutex leases_mu_;  // renewers record from their threads
    std::string leases_json_;
    std::map<std::string, std::string> leased_;  // NIC name -> address
    // Last: they call record_lease until they are destroyed, first.
    std::vector<std::unique_ptr<net::DhcpRenewer>> renewers_;
};

// Deletes the host ends still present (deleting one end removes the pair). The kernel also
// removes them when the container's namespace goes, but asynchronously: a bridge that must
// be released right after a destroy cannot wait for that.
void detach_extra_nics(const std::vector<ExtraNicConfig>& nics);

// Runs f on a thread that has joined the network namespace of pid.
Result<> in_netns_of(pid_t pid, const std::function<Result<>()>& f);

}  // namespace env::container

#pragma once
// The addresses a network's DHCP hands out, persisted per network so that a machine gets the
// same address on every up and two machines never get the same one:
// $ENV_HOME/dhcp/<bridge>.json = {"leases": {"02:..": "192.168.77.100", ...}}, changed under
// an flock. The pool starts at .100 (VirtualBox's habit) when the subnet has room, and skips
// the network, broadcast and host (.1) addresses and the project's static ones.
#include <set>
#include <string>

#include "util/error.h"
#include "util/inet.h"

namespace env::net {

class DhcpLeases {
public:
    explicit DhcpLeases(std::string path) : path_(std::move(path)) {}
    // The MAC's address: its lease, or a new one.
    Result<uint32_t> lease(const std::string& mac, const inet::Cidr& subnet,
                           const std::set<uint32_t>& reserved);
    Result<> release(const std::string& mac);
    Result<> remove_all();  // the network is gone

private:
    std::string path_;
};

}  // namespace env::net

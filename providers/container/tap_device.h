#pragma once
// The container's first NIC: a tap device created inside the container's network
// namespace (by a supervisor thread that joined it: container_process.h), addressed like
// VirtualBox's NAT adapter (DESIGN.md, "Networking model"). The supervisor's NetworkAttachment (the libslirp NAT stack) reads and
// writes the guest's frames. Named eth0: it lives only in the container's namespace, so it
// cannot collide with anything on the host, and eth0 is what users and scripts expect.
#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::container {

struct TapConfig {
    std::string name = "eth0";
    std::string address = "10.0.2.15";
    int prefix = 24;
    std::string gateway = "10.0.2.2";
    std::string dns = "10.0.2.3";
};

// Both act on the calling thread's network namespace.
Result<> bring_up_loopback();
Result<UniqueFd> create_tap(const TapConfig& cfg);

}  // namespace env::container

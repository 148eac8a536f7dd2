#pragma once
// Tap devices. A container's first NIC is one, created inside the container's network
// namespace (by a supervisor thread that joined it: providers/container's
// container_process.h), addressed like VirtualBox's NAT adapter (DESIGN.md, "Networking
// model"); the supervisor's NetworkAttachment (the libslirp NAT stack) reads and writes the
// guest's frames. Named eth0: it lives only in the container's namespace, so it cannot
// collide with anything on the host, and eth0 is what users and scripts expect.
#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::host {

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

}  // namespace env::host

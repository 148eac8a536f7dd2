#pragma once
// The seam between the container supervisor and the NAT stack (src/net/, libslirp).
//
// The supervisor creates eth0 as a tap inside the container's network namespace (already
// up, 10.0.2.15/24, default route via 10.0.2.2; see tap_device.h) and hands its fd here,
// once, after the container's init is running. The attachment owns the fd from then on,
// runs its own event loop (a thread of the supervisor process, which stays in the host's
// network namespace so the NAT can open host sockets) and serves the port forwards.
// stop() is called before the supervisor exits; it must return promptly.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/port_allocator.h"
#include "providers/container/supervisor_config.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace env::container {

struct TapDevice {
    UniqueFd fd;       // O_NONBLOCK, IFF_TAP | IFF_NO_PI: one Ethernet frame per read/write
    std::string name;  // "eth0", inside the container's namespace
    std::string guest_address = "10.0.2.15";
    int prefix = 24;
    std::string gateway = "10.0.2.2";
    std::string dns = "10.0.2.3";
    std::vector<PortForwardConfig> forwards;  // host 127.0.0.1:<port> -> guest port
    // Host ports the provider chose and still holds bound (the SSH forward's), each let go
    // by the NAT just before it binds the same port (net/port_allocator.h).
    std::vector<net::PortReservation> held_ports;
};

class NetworkAttachment {
public:
    virtual ~NetworkAttachment() = default;
    virtual Result<> start(TapDevice tap) = 0;
    virtual void stop() = 0;
};

using NetworkAttachmentFactory =
    std::function<std::unique_ptr<NetworkAttachment>(const SupervisorConfig&)>;

// Keeps the tap open and does nothing else: the default until the NAT stack is wired into
// supervisor_main.cpp, and what the tests use.
class HoldingAttachment final : public NetworkAttachment {
public:
    Result<> start(TapDevice tap) override {
        tap_ = std::move(tap);
        return {};
    }
    void stop() override { tap_.fd.reset(); }
    const TapDevice& tap() const { return tap_; }

private:
    TapDevice tap_;
};

}  // namespace env::container

#pragma once
// Where virtio-net's frames go (the guest's transmit queue) and come from (its receive
// queue): libslirp's user-mode NAT (slirp_backend.h), a tap device on a host bridge
// (tap_backend.h), or a loopback for tests and benchmarks (loopback_backend.h).
//
// Threading: start(), stop(), send() and resume() are called on the event-loop thread, and
// a backend calls `deliver` only there. deliver() returns false when the guest has no
// receive buffer: the backend keeps that frame (and may drop newer ones, as a full NIC
// would) and delivers nothing until resume(), which the device calls when the driver
// posts receive buffers.
#include <cstdint>
#include <functional>
#include <span>

#include "providers/kvm/virtio/device.h"
#include "util/error.h"

namespace env::kvm::virtio {

class NetBackend {
public:
    using Deliver = std::function<bool(std::span<const uint8_t> frame)>;
    virtual ~NetBackend() = default;
    virtual Result<> start(EventLoop& loop, Deliver deliver) = 0;
    virtual void stop() = 0;
    virtual void send(std::span<const uint8_t> frame) = 0;
    virtual void resume() = 0;
};

}  // namespace env::kvm::virtio

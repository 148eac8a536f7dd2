#pragma once
// virtio-net over libslirp's user-mode NAT (src/net/slirp_stack.h): NAT, DHCP handing out
// 10.0.2.15, DNS at 10.0.2.3, and the host forwards (SSH among them) that the VMM adds on
// the stack. The stack runs its own thread and calls send_frame() there; frames wait in a
// bounded, locked queue and are put on the receive queue by a task posted to the event
// loop, the only thread that touches the virtqueues (device.h, "Threading").
#include <memory>

#include "net/frame_sink.h"
#include "net/slirp_stack.h"
#include "providers/kvm/virtio/net/backend.h"

namespace env::kvm::virtio {

class SlirpBackend : public NetBackend {
public:
    // The stack must outlive the backend.
    explicit SlirpBackend(net::SlirpStack& stack);
    ~SlirpBackend() override;

    Result<> start(EventLoop& loop, Deliver deliver) override;
    void stop() override;
    void send(std::span<const uint8_t> frame) override;
    void resume() override;

    uint64_t dropped() const;
    struct Shared;  // what the stack's thread and the loop share

private:
    net::SlirpStack& stack_;
    std::shared_ptr<Shared> shared_;
    std::unique_ptr<net::FrameSink> sink_;
};

}  // namespace env::kvm::virtio

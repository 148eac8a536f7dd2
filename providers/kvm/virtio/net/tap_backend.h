#pragma once
// virtio-net over a tap device (host-only, internal and bridged networks: the tap is a
// port of the project's bridge, src/net/host_network.h). The tap fd is read on the event
// loop when readable; a frame the guest has no buffer for stays in our hands and the fd is
// unwatched until resume(), so the kernel's tap queue (not us) absorbs the burst and
// drops beyond it, as a physical NIC would.
#include <memory>
#include <string>
#include <vector>

#include "providers/kvm/virtio/net/backend.h"
#include "util/unique_fd.h"

namespace env::kvm::virtio {

class TapBackend : public NetBackend {
public:
    // Takes a tap fd opened with IFF_TAP | IFF_NO_PI (net::open_tap) and makes it non-blocking.
    static Result<std::unique_ptr<TapBackend>> create(UniqueFd tap);
    // Opens (or creates) tap `name` in the caller's network namespace.
    static Result<std::unique_ptr<TapBackend>> open(const std::string& name);
    // Unwatches the fd: the EventLoop given to start() must still exist (or stop() was called).
    ~TapBackend() override { stop(); }

    Result<> start(EventLoop& loop, Deliver deliver) override;
    void stop() override;
    void send(std::span<const uint8_t> frame) override;
    void resume() override;

    uint64_t send_dropped() const { return send_dropped_; }

private:
    explicit TapBackend(UniqueFd tap) : tap_(std::move(tap)) {}
    void on_readable();

    UniqueFd tap_;
    EventLoop* loop_ = nullptr;
    Deliver deliver_;
    bool watching_ = false;
    std::vector<uint8_t> pending_;  // a frame read but not yet delivered
    size_t pending_len_ = 0;
    uint64_t send_dropped_ = 0;
};

}  // namespace env::kvm::virtio

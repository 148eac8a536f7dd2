#pragma once
// The container's eth0 on the user-mode NAT (DESIGN.md, "Networking model"): the tap the
// supervisor created inside the container's network namespace joined to a net::SlirpStack
// with a net::TapLink, and every forward of the machine's config (the SSH forward first,
// then the Envfile's `ports:`) bound on the host. Runs in the supervisor, which stays in the
// host's network namespace, so the forwards listen on the host.
#include <memory>

#include "net/slirp_stack.h"
#include "net/tap_link.h"
#include "providers/container/supervisor/network_attachment.h"

namespace env::container {

class SlirpAttachment final : public NetworkAttachment {
public:
    explicit SlirpAttachment(std::string hostname) : hostname_(std::move(hostname)) {}
    ~SlirpAttachment() override { stop(); }

    // A forward that cannot be bound (port taken) fails start(): the supervisor then stops
    // the machine, and `up` reports the port instead of a machine nobody can reach.
    Result<> start(TapDevice tap) override;
    void stop() override;

private:
    std::string hostname_;
    std::unique_ptr<net::SlirpStack> stack_;
    std::unique_ptr<net::TapLink> link_;
};

}  // namespace env::container

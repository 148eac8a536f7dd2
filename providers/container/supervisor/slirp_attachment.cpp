#include "providers/container/supervisor/slirp_attachment.h"

#include <spdlog/spdlog.h>

namespace env::container {

Result<> SlirpAttachment::start(TapDevice tap) {
    net::NatConfig nat;
    nat.gateway = tap.gateway;
    nat.dns = tap.dns;
    nat.dhcp_start = tap.guest_address;
    nat.hostname = hostname_;
    auto stack = TRY(net::SlirpStack::create(nat));
    for (auto& f : tap.forwards) {
        net::HostForward fwd;
        fwd.proto = f.protocol == "udp" ? net::Proto::Udp : net::Proto::Tcp;
        fwd.host_ip = f.host_ip.empty() ? "127.0.0.1" : f.host_ip;
        fwd.host_port = f.host_port;
        fwd.guest_ip = tap.guest_address;
        fwd.guest_port = f.guest_port;
        net::PortReservation* held = nullptr;
        for (auto& h : tap.held_ports)
            if (h.held() && h.port() == fwd.host_port && fwd.proto == net::Proto::Tcp) held = &h;
        if (auto r = stack->add_forward(fwd, held); !r)
            return std::unexpected(r.error().context(
                "forward " + fwd.host_ip + ":" + std::to_string(fwd.host_port) + "/" + f.protocol +
                " -> guest port " + std::to_string(fwd.guest_port)));
        spdlog::info("forward {}:{}/{} -> {}:{}", fwd.host_ip, fwd.host_port, f.protocol,
                     fwd.guest_ip, fwd.guest_port);
    }
    auto link = TRY(net::TapLink::attach(*stack, std::move(tap.fd)));
    TRY(stack->start());
    stack_ = std::move(stack);
    link_ = std::move(link);
    return {};
}

void SlirpAttachment::stop() {
    link_.reset();  // a link goes before its stack
    stack_.reset();
}

}  // namespace env::container

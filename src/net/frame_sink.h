#pragma once
// Where a network stack delivers the ethernet frames it sends to the guest. The transport
// decides: TapLink writes them to a tap fd (containers); the VMM's virtio-net puts them on
// its receive queue. Called on the stack's loop thread; must not block (drop the frame when
// the guest cannot take it now: TCP retransmits, exactly as a full NIC queue would).
#include <cstdint>
#include <span>

namespace env::net {

class FrameSink {
public:
    virtual ~FrameSink() = default;
    virtual void send_frame(std::span<const uint8_t> frame) = 0;
};

}  // namespace env::net

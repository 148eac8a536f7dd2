#include "providers/kvm/virtio/net/device.h"

#include <cstring>

namespace env::kvm::virtio {
namespace {

constexpr uint16_t kRxQueue = 0, kTxQueue = 1;
constexpr uint16_t kNetLinkUp = 1;

struct __attribute__((packed)) NetConfig {  // §5.1.4, up to mtu
    uint8_t mac[6];
    uint16_t status;
    uint16_t max_virtqueue_pairs;
    uint16_t mtu;
};
static_assert(sizeof(NetConfig) == 12);

}  // namespace

NetDevice::~NetDevice() {
    if (started_) backend_->stop();
}

uint64_t NetDevice::features() const {
    return kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx | kNetFMac | kNetFStatus |
           kNetFMtu;
}

void NetDevice::read_config(unsigned offset, std::span<uint8_t> data) const {
    NetConfig c{};
    std::memcpy(c.mac, mac_.data(), 6);
    c.status = kNetLinkUp;
    c.max_virtqueue_pairs = 1;
    c.mtu = mtu_;
    std::fill(data.begin(), data.end(), 0);
    if (offset >= sizeof c) return;
    std::memcpy(data.data(), reinterpret_cast<const uint8_t*>(&c) + offset,
                std::min<size_t>(data.size(), sizeof c - offset));
}

Result<> NetDevice::activate(Activation a) {
    TRY(activate_queues(a, {kRxQueue, kTxQueue}));
    if (!a.loop) return fail(ErrorKind::Internal, "virtio-net: activation without an event loop");
    TRY(backend_->start(*a.loop, [this](std::span<const uint8_t> f) { return deliver(f); }));
    started_ = true;
    return {};
}

void NetDevice::reset() {
    if (started_) backend_->stop();
    started_ = false;
    DeviceBase::reset();
}

void NetDevice::queue_notify(uint16_t index) {
    if (index == kTxQueue) transmit();
    if (index == kRxQueue && queue(kRxQueue)) backend_->resume();
}

// Puts one frame on the receive queue. False: no buffer now (the backend holds the frame
// until resume()). A frame that cannot be delivered at all is dropped (true).
bool NetDevice::deliver(std::span<const uint8_t> frame) {
    Queue* q = queue(kRxQueue);
    if (!q || frame.size() > kNetMaxFrame) {
        ++counters_.rx_dropped;
        return true;
    }
    auto popped = q->pop(rx_chain_);
    if (popped && !*popped) {
        // Ask for a kick when buffers arrive; one may have arrived meanwhile.
        if (!q->enable_notifications()) return false;
        popped = q->pop(rx_chain_);
    }
    if (!popped) {
        fault(popped.error());
        return true;
    }
    if (!*popped) return false;
    ChainWriter out(rx_chain_);
    uint32_t used = 0;
    if (out.remaining() >= kNetHdrSize + frame.size()) {
        unsigned char hdr[kNetHdrSize] = {};
        hdr[10] = 1;  // num_buffers, little-endian: the frame is in this one chain
        out.write(hdr);
        out.write(frame);
        used = out.written();
        ++counters_.rx_frames;
    } else {
        ++counters_.rx_dropped;  // a buffer too small for the frame: give it back empty
    }
    q->add_used(rx_chain_.head, used);
    notify(kRxQueue);
    return true;
}

void NetDevice::transmit() {
    drain(kTxQueue, tx_chain_, [&](DescriptorChain& chain) -> Result<uint32_t> {
        ChainReader in(chain);
        size_t len = in.remaining();
        // A header and a frame of at least an Ethernet header; longer ones are dropped
        // (they are not an error of the queue, only of the guest's network stack).
        if (len >= kNetHdrSize + 14 && len <= kNetHdrSize + kNetMaxFrame) {
            in.skip(kNetHdrSize);
            tx_frame_.resize(len - kNetHdrSize);
            in.read(tx_frame_);
            backend_->send(tx_frame_);
            ++counters_.tx_frames;
        } else {
            ++counters_.tx_dropped;
        }
        return uint32_t{0};
    });
}

}  // namespace env::kvm::virtio

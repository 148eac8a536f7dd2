#pragma once
// A virtio-net device with both queues over guest memory and a ManualLoop. Test support.
#include <catch2/catch.hpp>

#include <memory>

#include "manual_loop.h"
#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/net/device.h"
#include "split_ring_driver.h"

namespace env::kvm::virtio::testing {

struct NetFixture {
    static constexpr uint64_t kRxBufs = 0x100000, kTxBufs = 0x300000;
    const uint64_t features = kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx | kNetFMac;
    GuestMemory mem = GuestMemory::create(16 << 20).value();
    SplitRingDriver rx{mem, 0x10000, 16}, tx{mem, 0x20000, 16};
    RecordingInterrupt irq;
    ManualLoop loop;
    std::unique_ptr<NetDevice> dev;
    unsigned rx_posted = 0, tx_posted = 0;

    explicit NetFixture(std::unique_ptr<NetBackend> backend) {
        dev = std::make_unique<NetDevice>(std::move(backend), MacAddress{0x52, 0x54, 0, 1, 2, 3});
        REQUIRE(dev->activate({&mem, features, {rx.config(), tx.config()}, &irq, &loop}));
    }
    uint64_t rx_buf(unsigned i) const { return kRxBufs + 0x1000ull * i; }
    void post_rx(unsigned n, uint32_t len = 1526) {
        for (unsigned i = 0; i < n; ++i, ++rx_posted)
            rx.post({{rx_buf(rx_posted % 16), len, true}});
        dev->queue_notify(0);
    }
    // Header and frame in two descriptors, as Linux's virtio_net sends without offloads.
    void send(const std::vector<uint8_t>& frame) {
        uint64_t at = kTxBufs + 0x4000ull * (tx_posted++ % 16);
        mem.fill(at, 12, 0).value();
        mem.write(at + 64, frame).value();
        tx.post({{at, 12}, {at + 64, static_cast<uint32_t>(frame.size())}});
        dev->queue_notify(1);
    }
    // The frame in the rx buffer of used element u, without the virtio-net header.
    std::vector<uint8_t> received(const Used& u) {
        REQUIRE(u.len >= kNetHdrSize);
        unsigned char* p = mem.host(rx_buf(u.id % 16), u.len);
        return {p + kNetHdrSize, p + u.len};
    }
};

}  // namespace env::kvm::virtio::testing

#pragma once
// virtio-rng (virtio 1.2 §5.4): one queue; the device fills each buffer the driver posts
// with bytes from getrandom(2), the kernel's CSPRNG, like kvmtool's and Firecracker's
// entropy devices. No configuration space and no device features.
#include "providers/kvm/virtio/device_base.h"

namespace env::kvm::virtio {

class RngDevice : public DeviceBase {
public:
    RngDevice() : DeviceBase("rng", {256}) {}

    DeviceId id() const override { return DeviceId::Rng; }
    uint64_t features() const override {
        return kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx;
    }
    unsigned config_size() const override { return 0; }
    void read_config(unsigned, std::span<uint8_t> data) const override {
        std::fill(data.begin(), data.end(), 0);
    }
    Result<> activate(Activation a) override { return activate_queues(a, {0}); }
    void queue_notify(uint16_t queue) override;

    uint64_t bytes_served() const { return bytes_served_; }

private:
    uint64_t bytes_served_ = 0;
    DescriptorChain chain_;
};

}  // namespace env::kvm::virtio

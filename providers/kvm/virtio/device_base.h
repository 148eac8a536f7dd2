#pragma once
// What blk, net and rng share between activate() and reset(): the negotiated features,
// the queues built from the transport's configuration, and the "malformed queue" path
// (§2.1.2): log once, ask the transport for DEVICE_NEEDS_RESET, stop touching the queues.
#include <optional>
#include <string>
#include <vector>

#include "providers/kvm/virtio/descriptor_chain.h"
#include "providers/kvm/virtio/device.h"
#include "providers/kvm/virtio/queue.h"

namespace env::kvm::virtio {

class DeviceBase : public Device {
public:
    std::vector<uint16_t> queue_max_sizes() const override { return max_sizes_; }
    void reset() override;

    bool active() const { return active_; }
    bool broken() const { return broken_; }

protected:
    DeviceBase(std::string name, std::vector<uint16_t> max_sizes)
        : name_(std::move(name)), max_sizes_(std::move(max_sizes)) {}

    // Builds every ready queue; those listed in `required` must be ready.
    Result<> activate_queues(const Activation& a, std::initializer_list<uint16_t> required);
    // The queue `index` if it is active and the device is not broken, else null.
    Queue* queue(uint16_t index);
    // Malformed guest input: logged once per activation, then NEEDS_RESET.
    void fault(const Error& e);
    // Raises a used-buffer interrupt if the driver wants one for `index`.
    void notify(uint16_t index);
    bool negotiated(uint64_t feature) const { return features_ & feature; }

    // Serves every chain the driver made available on queue `index`: serve(chain) returns
    // the bytes it wrote into the chain, or an error for malformed guest input (then the
    // device faults). Notifications are off while draining and the queue is re-checked
    // after turning them back on (§2.7.10), so a chain added meanwhile never waits for the
    // next kick; one interrupt at the end covers the batch.
    template <typename Serve>
    void drain(uint16_t index, DescriptorChain& chain, Serve&& serve) {
        Queue* q = queue(index);
        if (!q) return;
        bool used = false;
        do {
            q->disable_notifications();
            for (;;) {
                auto popped = q->pop(chain);
                if (!popped) return fault(popped.error());
                if (!*popped) break;
                Result<uint32_t> written = serve(chain);
                if (!written) return fault(written.error());
                q->add_used(chain.head, *written);
                used = true;
            }
        } while (q->enable_notifications());
        if (used) notify(index);
    }

    GuestMemory* memory_ = nullptr;
    Interrupt* interrupt_ = nullptr;
    EventLoop* loop_ = nullptr;

private:
    std::string name_;
    std::vector<uint16_t> max_sizes_;
    std::vector<std::optional<Queue>> queues_;
    uint64_t features_ = 0;
    bool active_ = false;
    bool broken_ = false;
};

}  // namespace env::kvm::virtio

#include "providers/kvm/virtio/device_base.h"

#include <spdlog/spdlog.h>

namespace env::kvm::virtio {

Result<> DeviceBase::activate_queues(const Activation& a,
                                     std::initializer_list<uint16_t> required) {
    if (!a.memory || !a.interrupt)
        return fail(ErrorKind::Internal, name_ + ": activation without memory or interrupt");
    std::vector<std::optional<Queue>> queues(max_sizes_.size());
    for (size_t i = 0; i < a.queues.size() && i < queues.size(); ++i) {
        if (!a.queues[i].ready) continue;
        auto q = Queue::create(*a.memory, a.queues[i], max_sizes_[i], a.features);
        if (!q) return std::unexpected(q.error().context(name_ + " queue " + std::to_string(i)));
        queues[i] = std::move(*q);
    }
    for (uint16_t r : required)
        if (!queues[r])
            return fail(ErrorKind::Invalid,
                        name_ + ": queue " + std::to_string(r) + " is not ready");
    memory_ = a.memory;
    interrupt_ = a.interrupt;
    loop_ = a.loop;
    features_ = a.features;
    queues_ = std::move(queues);
    active_ = true;
    broken_ = false;
    return {};
}

Queue* DeviceBase::queue(uint16_t index) {
    if (!active_ || broken_ || index >= queues_.size() || !queues_[index]) return nullptr;
    return &*queues_[index];
}

void DeviceBase::fault(const Error& e) {
    if (broken_) return;
    broken_ = true;
    spdlog::warn("virtio-{}: {}; the device needs a reset", name_, e.message());
    if (interrupt_) interrupt_->needs_reset();
}

void DeviceBase::notify(uint16_t index) {
    Queue* q = queue(index);
    if (q && q->should_notify()) interrupt_->used_buffers(index);
}

void DeviceBase::reset() {
    queues_.clear();
    memory_ = nullptr;
    interrupt_ = nullptr;
    loop_ = nullptr;
    features_ = 0;
    active_ = false;
    broken_ = false;
}

}  // namespace env::kvm::virtio

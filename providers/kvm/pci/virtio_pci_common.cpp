// The common configuration structure (virtio 1.2 §4.1.4.3) and the device's life cycle:
// status, feature negotiation, queue setup, activation and reset. Runs on the loop thread.
#include <spdlog/spdlog.h>

#include "providers/kvm/pci/virtio_pci.h"
#include "providers/kvm/pci/virtio_pci_irq.h"

namespace env::kvm::pci {

namespace {
// struct virtio_pci_common_cfg offsets.
enum : unsigned {
    kDeviceFeatureSelect = 0x00,
    kDeviceFeature = 0x04,
    kDriverFeatureSelect = 0x08,
    kDriverFeature = 0x0C,
    kConfigMsixVector = 0x10,
    kNumQueues = 0x12,
    kDeviceStatus = 0x14,
    kConfigGeneration = 0x15,
    kQueueSelect = 0x16,
    kQueueSize = 0x18,
    kQueueMsixVector = 0x1A,
    kQueueEnable = 0x1C,
    kQueueNotifyOff = 0x1E,
    kQueueDesc = 0x20,
    kQueueDriver = 0x28,
    kQueueDevice = 0x30,
    kCommonEnd = 0x38
};
}  // namespace

uint64_t VirtioPci::common_read(unsigned offset, unsigned size) {
    // Read the register holding `offset` whole, then pick the bytes asked for: drivers
    // read 64-bit addresses as two dwords and the status as a byte.
    struct Reg {
        unsigned start, len;
        uint64_t value;
    };
    bool qok = queue_select_ < queues_.size();
    const virtio::QueueConfig* q = qok ? &queues_[queue_select_] : nullptr;
    uint32_t feature_word =
        device_feature_select_ < 2 ? uint32_t(offer_ >> (32 * device_feature_select_)) : 0;
    uint32_t driver_word = driver_feature_select_ < 2
                               ? uint32_t(driver_features_ >> (32 * driver_feature_select_))
                               : 0;
    const Reg regs[] = {
        {kDeviceFeatureSelect, 4, device_feature_select_},
        {kDeviceFeature, 4, feature_word},
        {kDriverFeatureSelect, 4, driver_feature_select_},
        {kDriverFeature, 4, driver_word},
        {kConfigMsixVector, 2, config_vector_},
        {kNumQueues, 2, queues_.size()},
        {kDeviceStatus, 1, status_},
        {kConfigGeneration, 1, config_generation_.load()},
        {kQueueSelect, 2, queue_select_},
        {kQueueSize, 2, q ? q->size : 0u},
        {kQueueMsixVector, 2, qok ? queue_vectors_[queue_select_] : kNoVector},
        {kQueueEnable, 2, q ? q->ready : 0u},
        {kQueueNotifyOff, 2, qok ? queue_select_ : 0u},
        {kQueueDesc, 8, q ? q->desc : 0},
        {kQueueDriver, 8, q ? q->driver : 0},
        {kQueueDevice, 8, q ? q->device : 0},
    };
    for (const Reg& r : regs)
        if (offset >= r.start && offset + size <= r.start + r.len) {
            uint64_t v = r.value >> (8 * (offset - r.start));
            return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
        }
    return 0;
}

void VirtioPci::common_write(unsigned offset, unsigned size, uint64_t value) {
    // 64-bit fields may be written as two dwords: merge into the right half.
    auto merge64 = [&](uint64_t& field, unsigned start) {
        unsigned shift = 8 * (offset - start);
        uint64_t mask = size == 8 ? ~0ull : ((1ull << (8 * size)) - 1) << shift;
        field = (field & ~mask) | ((value << shift) & mask);
    };
    bool qok = queue_select_ < queues_.size();
    virtio::QueueConfig* q = qok ? &queues_[queue_select_] : nullptr;
    // Queue fields are frozen once the queue is enabled or the driver is running (§4.1.4.3.2).
    bool qwritable = q && !q->ready && !(status_ & kDriverOk);
    switch (offset) {
        case kDeviceFeatureSelect:
            device_feature_select_ = uint32_t(value);
            return;
        case kDriverFeatureSelect:
            driver_feature_select_ = uint32_t(value);
            return;
        case kDriverFeature:
            if (driver_feature_select_ < 2 && !(status_ & kFeaturesOk)) {
                unsigned shift = 32 * driver_feature_select_;
                driver_features_ = (driver_features_ & ~(0xFFFF'FFFFull << shift)) |
                                   (uint64_t(uint32_t(value)) << shift);
            }
            return;
        case kConfigMsixVector:
            config_vector_ = uint16_t(value) < msix_->size() ? uint16_t(value) : kNoVector;
            return;
        case kDeviceStatus:
            set_status(uint8_t(value));
            return;
        case kQueueSelect:
            queue_select_ = uint16_t(value);
            return;
        case kQueueSize:
            if (qwritable && value && !(value & (value - 1)) && value <= max_sizes_[queue_select_])
                q->size = uint16_t(value);
            return;
        case kQueueMsixVector:
            if (qok)
                queue_vectors_[queue_select_] =
                    uint16_t(value) < msix_->size() ? uint16_t(value) : kNoVector;
            return;
        case kQueueEnable:
            if (qwritable && value == 1) q->ready = true;
            return;
        default:
            break;
    }
    if (!qwritable || offset >= kCommonEnd) return;
    if (offset >= kQueueDesc && offset < kQueueDriver)
        merge64(q->desc, kQueueDesc);
    else if (offset >= kQueueDriver && offset < kQueueDevice)
        merge64(q->driver, kQueueDriver);
    else if (offset >= kQueueDevice)
        merge64(q->device, kQueueDevice);
}

void VirtioPci::set_status(uint8_t status) {
    if (status == 0) {
        reset();
        return;
    }
    uint8_t added = status & ~status_;
    // FEATURES_OK only for a subset of the offer that includes VERSION_1 (§2.2, §6.1):
    // otherwise the bit stays clear and the driver, re-reading it, gives up.
    if ((added & kFeaturesOk) &&
        ((driver_features_ & ~offer_) || !(driver_features_ & virtio::kFeatureVersion1)))
        status &= ~kFeaturesOk;
    status_ = uint8_t((status_ & kNeedsReset) | status);
    if ((added & kDriverOk) && (status_ & kFeaturesOk) && !active_) {
        virtio::Activation a;
        a.memory = &memory_;
        a.features = driver_features_;
        a.queues = queues_;
        a.interrupt = irq_.get();
        a.loop = &loop_;
        if (auto r = device_->activate(std::move(a)); !r) {
            spdlog::warn("virtio-pci {:x}: activation failed: {}", uint32_t(device_->id()),
                         r.error().what());
            irq_->needs_reset();
            return;
        }
        active_ = true;
    }
}

void VirtioPci::reset() {
    if (active_) device_->reset();
    active_ = false;
    status_ = 0;
    driver_features_ = 0;
    device_feature_select_ = driver_feature_select_ = 0;
    queue_select_ = 0;
    config_vector_ = kNoVector;
    for (size_t i = 0; i < queues_.size(); ++i) queues_[i] = {.size = max_sizes_[i]};
    queue_vectors_.assign(queues_.size(), kNoVector);
    isr_ = 0;
    if (intx_) intx_->set_level(false);
}

void VirtioPci::notified(uint16_t queue) {
    if (active_ && !(status_ & kNeedsReset) && queue < queues_.size() && queues_[queue].ready)
        device_->queue_notify(queue);
}

}  // namespace env::kvm::pci

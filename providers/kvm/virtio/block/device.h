#pragma once
// virtio-blk (virtio 1.2 §5.2): one request queue over a DiskImage (raw or copy-on-write).
// Offers FLUSH (the host page cache is a volatile write cache; flush makes writes
// durable), RO for read-only disks, BLK_SIZE, SEG_MAX, DISCARD and WRITE_ZEROES (hole
// punching in the image), and GET_ID (the serial the guest sees in /sys/block/vda/serial).
// Requests run synchronously on the event-loop thread (device.h, "Threading").
#include <memory>
#include <string>

#include "providers/kvm/virtio/block/disk_image.h"
#include "providers/kvm/virtio/device_base.h"

namespace env::kvm::virtio {

// Device feature bits (§5.2.3).
inline constexpr uint64_t kBlkFSegMax = 1ull << 2;
inline constexpr uint64_t kBlkFRo = 1ull << 5;
inline constexpr uint64_t kBlkFBlkSize = 1ull << 6;
inline constexpr uint64_t kBlkFFlush = 1ull << 9;
inline constexpr uint64_t kBlkFTopology = 1ull << 10;
inline constexpr uint64_t kBlkFDiscard = 1ull << 13;
inline constexpr uint64_t kBlkFWriteZeroes = 1ull << 14;

class BlockDevice : public DeviceBase {
public:
    static constexpr uint16_t kQueueSize = 256;
    // serial: up to 20 bytes, longer is cut.
    BlockDevice(std::unique_ptr<DiskImage> disk, std::string serial)
        : DeviceBase("blk", {kQueueSize}), disk_(std::move(disk)), serial_(std::move(serial)) {}

    DeviceId id() const override { return DeviceId::Block; }
    uint64_t features() const override;
    unsigned config_size() const override;
    void read_config(unsigned offset, std::span<uint8_t> data) const override;
    Result<> activate(Activation a) override { return activate_queues(a, {0}); }
    void queue_notify(uint16_t queue) override;

    DiskImage& disk() { return *disk_; }

private:
    std::unique_ptr<DiskImage> disk_;
    std::string serial_;
    DescriptorChain chain_;
};

}  // namespace env::kvm::virtio

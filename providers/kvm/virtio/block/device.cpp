#include "providers/kvm/virtio/block/device.h"

#include <cstring>

#include "providers/kvm/virtio/block/request.h"

namespace env::kvm::virtio {
namespace {

// struct virtio_blk_config (§5.2.4), the fields up to write_zeroes_may_unmap.
struct __attribute__((packed)) BlkConfig {
    uint64_t capacity;  // in 512-byte sectors
    uint32_t size_max;
    uint32_t seg_max;
    uint16_t cylinders;
    uint8_t heads, sectors;
    uint32_t blk_size;
    uint8_t physical_block_exp, alignment_offset;
    uint16_t min_io_size;
    uint32_t opt_io_size;
    uint8_t writeback, unused0;
    uint16_t num_queues;
    uint32_t max_discard_sectors, max_discard_seg, discard_sector_alignment;
    uint32_t max_write_zeroes_sectors, max_write_zeroes_seg;
    uint8_t write_zeroes_may_unmap, unused1[3];
};
static_assert(sizeof(BlkConfig) == 60);

}  // namespace

uint64_t BlockDevice::features() const {
    uint64_t f = kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx | kBlkFSegMax |
                 kBlkFBlkSize | kBlkFTopology | kBlkFFlush;
    if (disk_->read_only()) return f | kBlkFRo;
    return f | kBlkFDiscard | kBlkFWriteZeroes;
}

unsigned BlockDevice::config_size() const {
    return sizeof(BlkConfig);
}

void BlockDevice::read_config(unsigned offset, std::span<uint8_t> data) const {
    BlkConfig c{};
    c.capacity = disk_->size() / kSectorSize;
    c.seg_max = kQueueSize - 2;  // header and status take two descriptors
    // Logical blocks of 512 bytes, so that any filesystem mounts (a 4096-byte logical block
    // made Linux refuse an ext4 with 1 KiB blocks: "bad block size 1024"); 4 KiB physical
    // blocks and minimum I/O, the page cache's unit, below which a write costs the host a
    // read-modify-write.
    c.blk_size = kSectorSize;
    c.physical_block_exp = 3;  // 512 << 3 = 4096
    c.min_io_size = 4096 / kSectorSize;
    c.num_queues = 1;
    c.max_discard_sectors = c.max_write_zeroes_sectors = 1u << 22;  // 2 GiB per segment
    c.max_discard_seg = c.max_write_zeroes_seg = 1;
    c.discard_sector_alignment = 4096 / kSectorSize;
    c.write_zeroes_may_unmap = 1;
    std::fill(data.begin(), data.end(), 0);
    if (offset >= sizeof c) return;
    std::memcpy(data.data(), reinterpret_cast<const uint8_t*>(&c) + offset,
                std::min<size_t>(data.size(), sizeof c - offset));
}

void BlockDevice::queue_notify(uint16_t index) {
    if (index != 0) return;
    drain(0, chain_, [&](DescriptorChain& chain) -> Result<uint32_t> {
        auto done = TRY(handle_blk_request(*disk_, chain, serial_));
        return done.used_len;
    });
}

}  // namespace env::kvm::virtio

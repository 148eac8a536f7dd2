#pragma once
// A per-machine copy-on-write disk over a shared, read-only base image (the box's disk).
//
// Why an overlay of our own rather than qcow2 or a reflink copy: reflinks need btrfs or
// XFS (the development hosts and most CI runners are ext4), and qcow2's L1/L2/refcount
// machinery is far more than a machine disk needs. The overlay is two files beside each
// other in the machine's state directory:
//   <overlay>      sparse, as large as the base; a cluster's bytes live at the same offset
//   <overlay>.map  a header (magic, cluster size, the base's size and mtime) and a bitmap
//                  of the clusters that live in <overlay> rather than in the base
// A write to a cluster not yet copied reads the base cluster, merges, and writes the whole
// cluster to <overlay>. The bitmap is kept in memory and persisted on flush, after an
// fdatasync of <overlay>, with an atomic replace (write, fsync, rename): so after a crash
// the map names only clusters whose data reached the disk before a completed flush.
// Writes after the last flush may be lost, exactly as with a disk's volatile write cache,
// but the image is never inconsistent. A changed base image (size or mtime) is refused.
#include <memory>
#include <string>

#include "providers/kvm/virtio/block/disk_image.h"

namespace env::kvm::virtio {

inline constexpr uint32_t kCowClusterSize = 64 * 1024;

// Opens the overlay, creating it (and its map) when neither exists yet.
Result<std::unique_ptr<DiskImage>> open_cow_disk(const std::string& base,
                                                 const std::string& overlay);

}  // namespace env::kvm::virtio

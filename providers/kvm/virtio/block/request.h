#pragma once
// One virtio-blk request (virtio 1.2 §5.2.6): a 16-byte header the device reads, data
// (read from or written to the disk), and a status byte the device writes last. Kept apart
// from the device so the fuzzer and the benchmark can drive it with a chain directly.
#include <cstdint>
#include <string>

#include "providers/kvm/virtio/block/disk_image.h"
#include "providers/kvm/virtio/descriptor_chain.h"

namespace env::kvm::virtio {

// Request types and statuses (§5.2.6).
enum BlkType : uint32_t {
    kBlkIn = 0,
    kBlkOut = 1,
    kBlkFlush = 4,
    kBlkGetId = 8,
    kBlkDiscard = 11,
    kBlkWriteZeroes = 13,
};
inline constexpr uint8_t kBlkOk = 0, kBlkIoErr = 1, kBlkUnsupp = 2;

inline constexpr unsigned kSectorSize = 512;
inline constexpr unsigned kBlkIdBytes = 20;
// Discard / write-zeroes segments per request we accept (the config says 1; Linux obeys).
inline constexpr unsigned kBlkMaxSegments = 256;

struct BlkOutcome {
    uint32_t used_len;  // bytes written into the chain, the status byte included
    uint8_t status;
};

// Executes the request in `chain` against `disk`. An Error only when the chain cannot be a
// request at all (no room for the status byte): the queue is then malformed. A request
// that is merely wrong (past the end, odd length, writing a read-only disk) completes
// with IOERR or UNSUPP.
Result<BlkOutcome> handle_blk_request(DiskImage& disk, const DescriptorChain& chain,
                                      const std::string& id);

}  // namespace env::kvm::virtio

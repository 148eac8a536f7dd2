#pragma once
// What virtio-blk reads and writes: a disk of `size()` bytes. Two kinds exist:
// a raw image file (raw_disk.h) and a copy-on-write overlay over a shared read-only base
// image (cow_disk.h). Offsets and lengths are checked by the caller against size().
// Durability: a write may sit in the page cache (the device offers VIRTIO_BLK_F_FLUSH, a
// volatile write cache) until flush(), which makes everything written before it durable.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "util/error.h"

namespace env::kvm::virtio {

class DiskImage {
public:
    virtual ~DiskImage() = default;
    virtual uint64_t size() const = 0;
    virtual bool read_only() const = 0;
    virtual Result<> read(uint64_t offset, std::span<unsigned char> out) = 0;
    virtual Result<> write(uint64_t offset, std::span<const unsigned char> data) = 0;
    virtual Result<> flush() = 0;
    // The range's content becomes unspecified (the host may free its space).
    virtual Result<> discard(uint64_t offset, uint64_t len) = 0;
    // The range reads as zeros afterwards.
    virtual Result<> write_zeroes(uint64_t offset, uint64_t len) = 0;
};

// A raw image; read_only opens it O_RDONLY and refuses writes.
Result<std::unique_ptr<DiskImage>> open_raw_disk(const std::string& path, bool read_only);
// What a VMM disk entry names: with a base, a copy-on-write overlay at `path` over that
// read-only base (cow_disk.h, created on first use); without, the raw image at `path`.
// An overlay is never read-only (that would be the base alone: give it as `path`).
Result<std::unique_ptr<DiskImage>> open_disk(const std::string& path, const std::string& base,
                                             bool read_only);

}  // namespace env::kvm::virtio

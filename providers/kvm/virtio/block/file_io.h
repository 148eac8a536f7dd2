#pragma once
// Positional whole-buffer I/O for disk images: retries EINTR and short transfers, and
// treats reading past the end of the file as zeros (a sparse or shorter-than-disk file).
#include <cstdint>
#include <span>
#include <string>

#include "util/error.h"

namespace env::kvm::virtio {

Result<> pread_full(int fd, std::span<unsigned char> out, uint64_t offset, const std::string& what);
Result<> pwrite_full(int fd, std::span<const unsigned char> data, uint64_t offset,
                     const std::string& what);
// Writes len zero bytes at offset, for filesystems without FALLOC_FL_ZERO_RANGE.
Result<> write_zero_bytes(int fd, uint64_t offset, uint64_t len, const std::string& what);

}  // namespace env::kvm::virtio

#pragma once
// A disk held in host memory, for the fuzzer and the benchmark: it isolates the device's
// own cost from the filesystem's. Not for machines (nothing survives the process).
#include <algorithm>
#include <cstring>
#include <vector>

#include "providers/kvm/virtio/block/disk_image.h"

namespace env::kvm::virtio {

class MemoryDisk : public DiskImage {
public:
    explicit MemoryDisk(uint64_t size, bool read_only = false) : bytes_(size), ro_(read_only) {}
    uint64_t size() const override { return bytes_.size(); }
    bool read_only() const override { return ro_; }
    Result<> read(uint64_t offset, std::span<unsigned char> out) override {
        TRY(check(offset, out.size()));
        std::memcpy(out.data(), bytes_.data() + offset, out.size());
        return {};
    }
    Result<> write(uint64_t offset, std::span<const unsigned char> data) override {
        TRY(check(offset, data.size()));
        std::memcpy(bytes_.data() + offset, data.data(), data.size());
        return {};
    }
    Result<> flush() override { return {}; }
    Result<> discard(uint64_t offset, uint64_t len) override { return write_zeroes(offset, len); }
    Result<> write_zeroes(uint64_t offset, uint64_t len) override {
        TRY(check(offset, len));
        std::fill_n(bytes_.data() + offset, len, 0);
        return {};
    }

private:
    // The device checks ranges before calling; this catches a device bug, not guest input.
    Result<> check(uint64_t offset, uint64_t len) const {
        if (offset > bytes_.size() || len > bytes_.size() - offset)
            return fail(ErrorKind::Internal, "memory disk access past its end");
        return {};
    }
    std::vector<unsigned char> bytes_;
    bool ro_;
};

}  // namespace env::kvm::virtio

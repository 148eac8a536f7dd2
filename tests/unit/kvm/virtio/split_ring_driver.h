#pragma once
// The driver's half of a split virtqueue (virtio 1.2 §2.7), written the way Linux's
// virtio_ring.c lays it out, so unit tests, the fuzzer and the benchmark can post chains
// into GuestMemory and read the used ring back without a guest. Test support only.
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/device.h"
#include "providers/kvm/virtio/queue.h"

namespace env::kvm::virtio::testing {

struct Seg {
    uint64_t addr;
    uint32_t len;
    bool writable = false;
};

struct Used {
    uint32_t id, len;
};

class SplitRingDriver {
public:
    // Rings at `base`: descriptor table, available ring, then the used ring (4-aligned).
    SplitRingDriver(GuestMemory& mem, uint64_t base, uint16_t size)
        : mem_(mem),
          size_(size),
          desc_(base),
          avail_(base + 16ull * size),
          used_((avail_ + 6 + 2ull * size + 3) & ~3ull) {
        mem_.fill(base, used_ + 6 + 8ull * size - base, 0).value();
    }

    QueueConfig config() const { return {size_, desc_, avail_, used_, true}; }
    uint64_t end() const { return used_ + 6 + 8ull * size_; }

    void set_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
        VirtqDesc d{addr, len, flags, next};
        mem_.write_obj(desc_ + 16ull * i, d).value();
    }
    // Chains segs through consecutive descriptors (wrapping) and publishes the head.
    uint16_t post(const std::vector<Seg>& segs) {
        uint16_t head = next_desc_;
        for (size_t k = 0; k < segs.size(); ++k) {
            uint16_t i = next_desc_;
            next_desc_ = static_cast<uint16_t>((next_desc_ + 1) % size_);
            uint16_t flags =
                (segs[k].writable ? kDescWrite : 0) | (k + 1 < segs.size() ? kDescNext : 0);
            set_desc(i, segs[k].addr, segs[k].len, flags, next_desc_);
        }
        publish(head);
        return head;
    }
    // Puts segs in an indirect table at `table` and posts one descriptor pointing at it.
    uint16_t post_indirect(const std::vector<Seg>& segs, uint64_t table) {
        for (size_t k = 0; k < segs.size(); ++k) {
            uint16_t flags =
                (segs[k].writable ? kDescWrite : 0) | (k + 1 < segs.size() ? kDescNext : 0);
            VirtqDesc d{segs[k].addr, segs[k].len, flags, static_cast<uint16_t>(k + 1)};
            mem_.write_obj(table + 16ull * k, d).value();
        }
        uint16_t head = next_desc_;
        next_desc_ = static_cast<uint16_t>((next_desc_ + 1) % size_);
        set_desc(head, table, static_cast<uint32_t>(16 * segs.size()), kDescIndirect, 0);
        publish(head);
        return head;
    }
    void publish(uint16_t head) {
        mem_.write_obj<uint16_t>(avail_ + 4 + 2ull * (avail_idx_ % size_), head).value();
        ++avail_idx_;
        mem_.write_obj<uint16_t>(avail_ + 2, avail_idx_).value();
    }
    void set_avail_idx(uint16_t v) { mem_.write_obj<uint16_t>(avail_ + 2, avail_idx_ = v).value(); }
    void set_avail_flags(uint16_t f) { mem_.write_obj<uint16_t>(avail_, f).value(); }
    void set_used_event(uint16_t v) {
        mem_.write_obj<uint16_t>(avail_ + 4 + 2ull * size_, v).value();
    }

    uint16_t used_idx() const { return read16(used_ + 2); }
    uint16_t used_flags() const { return read16(used_); }
    uint16_t avail_event() const { return read16(used_ + 4 + 8ull * size_); }
    std::optional<Used> take_used() {
        if (used_seen_ == used_idx()) return std::nullopt;
        Used u;
        mem_.read(used_ + 4 + 8ull * (used_seen_ % size_),
                  {reinterpret_cast<unsigned char*>(&u), sizeof u})
            .value();
        ++used_seen_;
        return u;
    }

private:
    uint16_t read16(uint64_t a) const {
        uint16_t v;
        mem_.read(a, {reinterpret_cast<unsigned char*>(&v), 2}).value();
        return v;
    }
    GuestMemory& mem_;
    uint16_t size_;
    uint64_t desc_, avail_, used_;
    uint16_t avail_idx_ = 0, next_desc_ = 0, used_seen_ = 0;
};

// Records what a device raises, as a transport would see it.
class RecordingInterrupt : public Interrupt {
public:
    void used_buffers(uint16_t q) override { used.push_back(q); }
    void config_changed() override { ++config; }
    void needs_reset() override { ++resets; }
    std::vector<uint16_t> used;
    int config = 0, resets = 0;
};

}  // namespace env::kvm::virtio::testing

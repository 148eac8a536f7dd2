#pragma once
// The device side of a split virtqueue (virtio 1.2 §2.7). The rings live in guest memory,
// which the driver writes concurrently from a vCPU and which is untrusted: every index,
// address and length read from it is checked before use, and a malformed queue is an Error
// (the device then asks for a reset, see Device::needs_reset in device.h) rather than a
// crash, an out-of-bounds access or an endless loop.
//
// Memory ordering (§2.7.13, Linux's virtio_ring.h): the available index is loaded with
// acquire before the ring entries and descriptors it publishes are read; used elements are
// written before the used index is stored with release; a full fence separates that store
// from reading the driver's suppression fields (used_event / flags), and the store of
// avail_event from re-reading the available index, so neither side misses a notification.
#include <cstdint>

#include "providers/kvm/virtio/descriptor_chain.h"
#include "providers/kvm/virtio/device.h"
#include "util/error.h"

namespace env::kvm::virtio {

// Descriptor flags (§2.7.5).
inline constexpr uint16_t kDescNext = 1;
inline constexpr uint16_t kDescWrite = 2;
inline constexpr uint16_t kDescIndirect = 4;
// Ring flags (§2.7.6, §2.7.8).
inline constexpr uint16_t kAvailNoInterrupt = 1;
inline constexpr uint16_t kUsedNoNotify = 1;

struct VirtqDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
static_assert(sizeof(VirtqDesc) == 16);

class Queue {
public:
    // Checks the ring addresses (alignment, inside RAM) and the size (power of two, not
    // above max_size). `features` are the negotiated ones (INDIRECT_DESC, EVENT_IDX).
    static Result<Queue> create(GuestMemory& memory, const QueueConfig& config, uint16_t max_size,
                                uint64_t features);

    uint16_t size() const { return size_; }

    // Takes the next available chain into `chain` (reusing its storage). Returns false when
    // the driver has posted nothing new, an Error when the queue or the chain is malformed.
    Result<bool> pop(DescriptorChain& chain);
    // Gives a chain back to the driver (§2.7.8): `written` bytes went into its writable part.
    void add_used(uint16_t head, uint32_t written);
    // Whether the driver wants a used-buffer notification for what add_used() published
    // since the last call: event index (§2.7.10) when negotiated, else the NO_INTERRUPT flag.
    bool should_notify();

    // Driver-notification suppression (§2.7.7/§2.7.10): while the device drains the queue
    // it needs no kicks; afterwards it asks for them again and re-checks, because the
    // driver may have posted a buffer in between. Returns true when there is more to pop.
    void disable_notifications();
    bool enable_notifications();

    // Counters for tests and benchmarks.
    uint16_t next_avail() const { return next_avail_; }
    uint16_t next_used() const { return next_used_; }

private:
    Queue() = default;
    uint16_t avail_idx() const;
    Result<> walk(uint16_t head, DescriptorChain& chain);
    Result<> add_buffer(const VirtqDesc& d, DescriptorChain& chain);

    GuestMemory* memory_ = nullptr;
    uint16_t size_ = 0;
    bool event_idx_ = false;
    bool indirect_ = false;
    VirtqDesc* desc_ = nullptr;      // the descriptor table
    uint16_t* avail_ = nullptr;      // flags, idx, ring[size], used_event
    unsigned char* used_ = nullptr;  // flags, idx, {id, len}[size], avail_event
    uint16_t next_avail_ = 0;        // the next available-ring slot the device reads
    uint16_t next_used_ = 0;         // the used index the device publishes next
    uint16_t signalled_used_ = 0;    // the used index at the last notification decision
    bool signalled_valid_ = false;
};

}  // namespace env::kvm::virtio

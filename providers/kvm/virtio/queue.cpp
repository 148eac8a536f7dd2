#include "providers/kvm/virtio/queue.h"

#include <atomic>
#include <cstring>
#include <string>

#include "providers/kvm/hypervisor/guest_memory.h"

namespace env::kvm::virtio {
namespace {

// The most descriptors one indirect table may hold. The spec leaves it open once a chain
// is indirect; QEMU caps it at 1024 too, and Linux never needs more (blk: seg_max + 2).
constexpr uint32_t kMaxIndirect = 1024;

std::unexpected<Error> malformed(const std::string& what) {
    return fail(ErrorKind::Invalid, what);
}

std::string hex(uint64_t v) {
    char buf[24];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// Ring fields are shared with a vCPU: access them as atomics so the compiler neither tears
// nor caches them (§2.7.13.x "memory barriers" has the driver-side counterpart).
uint16_t load16(const void* p, std::memory_order order = std::memory_order_relaxed) {
    return std::atomic_ref<uint16_t>(*static_cast<uint16_t*>(const_cast<void*>(p))).load(order);
}
void store16(void* p, uint16_t v, std::memory_order order = std::memory_order_relaxed) {
    std::atomic_ref<uint16_t>(*static_cast<uint16_t*>(p)).store(v, order);
}

}  // namespace

Result<Queue> Queue::create(GuestMemory& memory, const QueueConfig& c, uint16_t max_size,
                            uint64_t features) {
    if (!c.ready) return malformed("queue is not ready");
    if (c.size == 0 || (c.size & (c.size - 1)) || c.size > max_size)
        return malformed("queue size " + std::to_string(c.size) + " is not a power of two up to " +
                         std::to_string(max_size));
    // §2.7: descriptor table 16-byte aligned, available ring 2, used ring 4.
    if (c.desc % 16 || c.driver % 2 || c.device % 4) return malformed("queue rings are misaligned");
    Queue q;
    q.memory_ = &memory;
    q.size_ = c.size;
    q.event_idx_ = features & kFeatureEventIdx;
    q.indirect_ = features & kFeatureIndirectDesc;
    q.desc_ = reinterpret_cast<VirtqDesc*>(memory.host(c.desc, 16ull * c.size));
    q.avail_ = reinterpret_cast<uint16_t*>(memory.host(c.driver, 6ull + 2ull * c.size));
    q.used_ = memory.host(c.device, 6ull + 8ull * c.size);
    if (!q.desc_ || !q.avail_ || !q.used_)
        return malformed("queue rings at " + hex(c.desc) + "/" + hex(c.driver) + "/" +
                         hex(c.device) + " are not in guest memory");
    return q;
}

uint16_t Queue::avail_idx() const {
    return load16(&avail_[1], std::memory_order_acquire);
}

Result<bool> Queue::pop(DescriptorChain& chain) {
    uint16_t avail = avail_idx();
    uint16_t pending = static_cast<uint16_t>(avail - next_avail_);
    if (pending == 0) return false;
    if (pending > size_)
        return malformed("available index moved " + std::to_string(pending) +
                         " entries ahead of a " + std::to_string(size_) + "-entry queue");
    uint16_t head = load16(&avail_[2 + next_avail_ % size_]);
    ++next_avail_;
    TRY(walk(head, chain));
    return true;
}

Result<> Queue::add_buffer(const VirtqDesc& d, DescriptorChain& chain) {
    if (d.len == 0)
        return malformed("zero-length descriptor in chain " + std::to_string(chain.head));
    unsigned char* host = memory_->host(d.addr, d.len);
    if (!host)
        return malformed("descriptor " + hex(d.addr) + "+" + hex(d.len) + " in chain " +
                         std::to_string(chain.head) + " is outside guest memory");
    bool writable = d.flags & kDescWrite;
    uint32_t& total = writable ? chain.writable_bytes : chain.readable_bytes;
    if (!writable && chain.writable_bytes)  // §2.7.4.2: readable buffers come first
        return malformed("readable descriptor after a writable one in chain " +
                         std::to_string(chain.head));
    if (total > UINT32_MAX - d.len)
        return malformed("chain " + std::to_string(chain.head) + " is longer than 4 GiB");
    total += d.len;
    chain.buffers.push_back({host, d.len, writable});
    return {};
}

Result<> Queue::walk(uint16_t head, DescriptorChain& chain) {
    chain.clear();
    chain.head = head;
    if (head >= size_)
        return malformed("chain head " + std::to_string(head) + " is past the descriptor table");
    uint16_t index = head;
    for (unsigned visited = 1;; ++visited) {
        // More visits than descriptors can only be a loop (or a chain the spec forbids).
        if (visited > size_)
            return malformed("chain " + std::to_string(head) +
                             " loops or is longer than the queue");
        VirtqDesc d;
        std::memcpy(&d, &desc_[index], sizeof d);  // one snapshot: validate what we use
        if (d.flags & kDescIndirect) {
            // §2.7.5.3: only as the whole chain (we accept it at the head, like QEMU and
            // Firecracker), never with NEXT, a table of whole descriptors.
            if (!indirect_) return malformed("indirect descriptor without VIRTIO_F_INDIRECT_DESC");
            if (index != head || (d.flags & kDescNext))
                return malformed("indirect descriptor inside chain " + std::to_string(head));
            if (d.len == 0 || d.len % sizeof(VirtqDesc) || d.len / sizeof(VirtqDesc) > kMaxIndirect)
                return malformed("indirect table of " + std::to_string(d.len) + " bytes in chain " +
                                 std::to_string(head));
            auto* table = reinterpret_cast<const VirtqDesc*>(memory_->host(d.addr, d.len));
            if (!table)
                return malformed("indirect table " + hex(d.addr) + "+" + hex(d.len) +
                                 " is outside guest memory");
            uint32_t n = d.len / sizeof(VirtqDesc);
            uint32_t i = 0;
            for (uint32_t seen = 1;; ++seen) {
                if (seen > n)
                    return malformed("indirect table of chain " + std::to_string(head) + " loops");
                VirtqDesc e;
                std::memcpy(&e, &table[i], sizeof e);
                if (e.flags & kDescIndirect)
                    return malformed("nested indirect table in chain " + std::to_string(head));
                TRY(add_buffer(e, chain));
                if (!(e.flags & kDescNext)) return {};
                i = e.next;
                if (i >= n)
                    return malformed("indirect descriptor points past its table in chain " +
                                     std::to_string(head));
            }
        }
        TRY(add_buffer(d, chain));
        if (!(d.flags & kDescNext)) return {};
        index = d.next;
        if (index >= size_)
            return malformed("descriptor points past the table in chain " + std::to_string(head));
    }
}

void Queue::add_used(uint16_t head, uint32_t written) {
    unsigned char* elem = used_ + 4 + 8u * (next_used_ % size_);
    uint32_t id = head;
    std::memcpy(elem, &id, 4);
    std::memcpy(elem + 4, &written, 4);
    ++next_used_;
    store16(used_ + 2, next_used_, std::memory_order_release);  // the element before the index
}

bool Queue::should_notify() {
    // The used index store must be visible before we read what the driver asked for, or
    // both sides may skip the interrupt (store-load ordering needs a full fence).
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!event_idx_) return !(load16(&avail_[0]) & kAvailNoInterrupt);
    uint16_t old = signalled_used_, now = next_used_;
    bool valid = signalled_valid_;
    signalled_used_ = now;
    signalled_valid_ = true;
    uint16_t used_event = load16(&avail_[2 + size_]);
    // vring_need_event(): notify when used_event lies in [old, now).
    return !valid || static_cast<uint16_t>(now - used_event - 1) < static_cast<uint16_t>(now - old);
}

void Queue::disable_notifications() {
    // With the event index the driver kicks once on crossing avail_event and then stays
    // quiet until we move it; without, the NO_NOTIFY flag asks it not to kick at all.
    if (!event_idx_) store16(used_, kUsedNoNotify);
}

bool Queue::enable_notifications() {
    if (event_idx_)
        store16(used_ + 4 + 8u * size_, next_avail_);
    else
        store16(used_, 0);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return avail_idx() != next_avail_;
}

}  // namespace env::kvm::virtio

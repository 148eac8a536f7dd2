// libFuzzer target: a guest that writes anything it likes into its rings and buffers.
// Covers the split-ring parser (chains, indirect tables, indices, notification fields),
// virtio-blk request handling and virtio-net transmit/receive. Whatever the input, the
// device must neither crash nor touch memory outside the guest's (ASan checks that), nor
// hang, and it must ask for a reset at most once.
//
// Input: [mode] [log2 queue size] [feature bits] then bytes copied to guest address 0,
// where the first ring lives (the second, for net, at 0x2000): descriptors, available
// ring, indirect tables and request headers all come from the fuzzer.
#include <fcntl.h>
#include <linux/falloc.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include <spdlog/spdlog.h>
#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/block/device.h"
#include "providers/kvm/virtio/block/memory_disk.h"
#include "providers/kvm/virtio/net/device.h"
#include "providers/kvm/virtio/net/loopback_backend.h"
#include "providers/kvm/virtio/rng/device.h"
#include "tests/unit/kvm/virtio/split_ring_driver.h"
#include "virtio_seeds.h"

using env::Result;
using namespace env::kvm;
using namespace env::kvm::virtio;

namespace {

constexpr uint64_t kMemSize = 16 << 20, kSecondRing = 0x2000;

class ImmediateLoop : public EventLoop {
public:
    void watch(int, std::function<void()>) override {}
    void unwatch(int) override {}
    void post(std::function<void()> fn) override { fn(); }
};

// The device checks ranges before it touches the disk; a disk access past the end here
// or a write to a read-only disk is a device bug: it must crash the fuzzer.
class StrictDisk : public MemoryDisk {
public:
    using MemoryDisk::MemoryDisk;
    Result<> read(uint64_t off, std::span<unsigned char> out) override {
        return check(off, out.size()), MemoryDisk::read(off, out);
    }
    Result<> write(uint64_t off, std::span<const unsigned char> d) override {
        return check(off, d.size(), true), MemoryDisk::write(off, d);
    }
    Result<> discard(uint64_t off, uint64_t len) override {
        return check(off, len, true), MemoryDisk::discard(off, len);
    }
    Result<> write_zeroes(uint64_t off, uint64_t len) override {
        return check(off, len, true), MemoryDisk::write_zeroes(off, len);
    }

private:
    void check(uint64_t off, uint64_t len, bool writing = false) const {
        if (off > size() || len > size() - off || (writing && read_only())) std::abort();
    }
};

QueueConfig ring(uint64_t base, uint16_t size) {
    uint64_t avail = base + 16ull * size, used = (avail + 6 + 2ull * size + 3) & ~3ull;
    return {size, base, avail, used, true};
}

GuestMemory& memory() {
    static GuestMemory mem = GuestMemory::create(kMemSize).value();
    return mem;
}

}  // namespace

// VIRTIO_FUZZ_SEEDS=DIR writes the starting corpus there first (tests/fuzz/run.sh).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);  // a malformed queue logs a line; millions of them here
    if (const char* dir = std::getenv("VIRTIO_FUZZ_SEEDS")) fuzz::write_seeds(dir);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3) return 0;
    GuestMemory& mem = memory();
    // Fresh zeroed RAM each run, paying only for the pages the last run touched.
    if (::fallocate(mem.fd(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, kMemSize) < 0)
        std::abort();
    uint8_t mode = data[0] % 4;
    uint16_t qsize = static_cast<uint16_t>(1u << (data[1] % 9));
    uint64_t features = kFeatureVersion1 | (data[2] & 1 ? kFeatureIndirectDesc : 0) |
                        (data[2] & 2 ? kFeatureEventIdx : 0);
    size_t n = std::min<size_t>(size - 3, kMemSize);
    std::memcpy(mem.host(0, n), data + 3, n);

    testing::RecordingInterrupt irq;
    ImmediateLoop loop;
    std::unique_ptr<Device> dev;
    std::vector<QueueConfig> queues{ring(0, qsize)};
    switch (mode) {
        case 0:
            dev = std::make_unique<RngDevice>();
            break;
        case 1:
            dev = std::make_unique<BlockDevice>(std::make_unique<StrictDisk>(64 << 10, data[2] & 4),
                                                "fuzz");
            break;
        default:
            dev = std::make_unique<NetDevice>(std::make_unique<LoopbackBackend>(),
                                              derive_mac("fuzz"));
            queues.push_back(ring(kSecondRing, qsize));
    }
    if (!dev->activate({&mem, features, queues, &irq, &loop})) return 0;
    // Notify every queue twice: the second pass sees the state the first one left.
    for (int pass = 0; pass < 2; ++pass)
        for (uint16_t q = queues.size(); q-- > 0;) dev->queue_notify(q);
    if (irq.resets > 1) std::abort();
    dev->reset();
    return 0;
}

// Host-side cost of the virtio devices (bench/virtio.sh): requests per second of the
// device code alone (Device::queue_notify, timed) against a guest in memory, beside a
// memcpy of the same payload bytes measured in the same run, which bounds any device that
// must copy them. The driver's side (publishing chains, reading the used ring) is not timed.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/block/device.h"
#include "providers/kvm/virtio/block/memory_disk.h"
#include "providers/kvm/virtio/block/request.h"
#include "providers/kvm/virtio/net/device.h"
#include "providers/kvm/virtio/net/loopback_backend.h"
#include "tests/unit/kvm/virtio/split_ring_driver.h"

using namespace env::kvm;
using namespace env::kvm::virtio;
using Clock = std::chrono::steady_clock;

namespace {

const uint64_t kFeatures = kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx;
constexpr unsigned kBatch = 64;  // chains per notification, like a busy guest

class CountingInterrupt : public Interrupt {
public:
    void used_buffers(uint16_t) override { ++count; }
    void config_changed() override {}
    void needs_reset() override {
        std::fprintf(stderr, "bench: device asked for a reset\n"), std::exit(1);
    }
    uint64_t count = 0;
};
class NoLoop : public EventLoop {
    void watch(int, std::function<void()>) override {}
    void unwatch(int) override {}
    void post(std::function<void()> fn) override { fn(); }
};

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

// memcpy of the bytes the device moves per operation, between the same buffers it uses
// (chain k of each batch copies `bytes` from src + k * stride to dst + k * dst_stride),
// `copies` times per operation: the same cache footprint as the device, minus its logic.
double memcpy_rate(size_t bytes, unsigned copies, uint64_t ops, unsigned char* dst,
                   size_t dst_stride, const unsigned char* src, size_t stride) {
    auto t0 = Clock::now();
    for (uint64_t i = 0; i < ops; ++i) {
        size_t k = i % kBatch;
        for (unsigned c = 0; c < copies; ++c)
            std::memcpy(dst + k * dst_stride, src + k * stride, bytes);
        asm volatile("" ::: "memory");
    }
    return ops / seconds(Clock::now() - t0);
}

void report(const char* what, double rate, double bound, const char* bound_what) {
    std::printf("%-34s %10.0f /s %8.0f ns each | memcpy of %s: %10.0f /s | device/memcpy %.2f\n",
                what, rate, 1e9 / rate, bound_what, bound, rate / bound);
}

void bench_blk(uint32_t type, uint32_t len, uint64_t rounds, const char* what,
               std::unique_ptr<DiskImage> disk_image = nullptr) {
    GuestMemory mem = GuestMemory::create(256 << 20).value();
    testing::SplitRingDriver drv(mem, 0x10000, 256);
    CountingInterrupt irq;
    constexpr uint64_t kHdrs = 0x100000, kData = 0x1000000, kDisk = 64 << 20;
    BlockDevice dev(disk_image ? std::move(disk_image) : std::make_unique<MemoryDisk>(kDisk),
                    "bench");
    dev.activate({&mem, kFeatures, {drv.config()}, &irq, nullptr}).value();
    bool in = type == kBlkIn;
    for (unsigned k = 0; k < kBatch; ++k) {  // chain k: descriptors 3k..3k+2, set once
        struct {
            uint32_t type, reserved;
            uint64_t sector;
        } h{type, 0, uint64_t{k} * len / kSectorSize};
        mem.write_obj(kHdrs + 32ull * k, h).value();
        drv.set_desc(3 * k, kHdrs + 32ull * k, 16, kDescNext, 3 * k + 1);
        drv.set_desc(3 * k + 1, kData + uint64_t{k} * len, len, kDescNext | (in ? kDescWrite : 0),
                     3 * k + 2);
        drv.set_desc(3 * k + 2, kHdrs + 32ull * k + 16, 1, kDescWrite, 0);
    }
    Clock::duration busy{};
    for (uint64_t r = 0; r < rounds; ++r) {
        for (unsigned k = 0; k < kBatch; ++k) drv.publish(3 * k);
        auto t0 = Clock::now();
        dev.queue_notify(0);
        busy += Clock::now() - t0;
        for (unsigned k = 0; k < kBatch; ++k)
            if (!drv.take_used())
                std::fprintf(stderr, "bench: request not completed\n"), std::exit(1);
    }
    uint64_t ops = rounds * kBatch;
    // A flush moves no data: its bound is the status byte.
    uint32_t moved = type == kBlkFlush ? 1 : len;
    std::vector<unsigned char> disk(uint64_t{kBatch} * len, 1);
    double bound = memcpy_rate(moved, 1, ops, mem.host(kData, disk.size()), len, disk.data(), len);
    char bw[32];
    std::snprintf(bw, sizeof bw, "%u B", moved);
    report(what, ops / seconds(busy), bound, bw);
}

void bench_net(uint32_t frame_len, uint64_t rounds) {
    GuestMemory mem = GuestMemory::create(64 << 20).value();
    testing::SplitRingDriver rx(mem, 0x10000, 256), tx(mem, 0x20000, 256);
    CountingInterrupt irq;
    NoLoop loop;
    NetDevice dev(std::make_unique<LoopbackBackend>(), derive_mac("bench"));
    dev.activate({&mem, kFeatures, {rx.config(), tx.config()}, &irq, &loop}).value();
    constexpr uint64_t kRxBufs = 0x100000, kTxBufs = 0x800000;
    for (unsigned k = 0; k < kBatch; ++k) {
        rx.set_desc(k, kRxBufs + 0x800ull * k, 1526, kDescWrite, 0);
        tx.set_desc(2 * k, kTxBufs + 0x800ull * k, kNetHdrSize, kDescNext, 2 * k + 1);
        tx.set_desc(2 * k + 1, kTxBufs + 0x800ull * k + 64, frame_len, 0, 0);
        mem.fill(kTxBufs + 0x800ull * k + 64, frame_len, 0x5a).value();
    }
    Clock::duration busy{};
    for (uint64_t r = 0; r < rounds; ++r) {
        for (unsigned k = 0; k < kBatch; ++k) rx.publish(k), tx.publish(2 * k);
        auto t0 = Clock::now();
        dev.queue_notify(0);  // rx buffers posted
        dev.queue_notify(1);  // frames to send; the loopback returns each to the rx queue
        busy += Clock::now() - t0;
        for (unsigned k = 0; k < kBatch; ++k)
            if (!rx.take_used() || !tx.take_used())
                std::fprintf(stderr, "bench: frame lost\n"), std::exit(1);
    }
    uint64_t ops = rounds * kBatch;
    // The device copies each frame twice: out of the tx buffer, into an rx buffer.
    double bound =
        memcpy_rate(frame_len + kNetHdrSize, 2, ops, mem.host(kRxBufs, kBatch * 0x800ull), 0x800,
                    mem.host(kTxBufs, kBatch * 0x800ull), 0x800);
    char what[64], bw[32];
    std::snprintf(what, sizeof what, "net %u B frame tx->loopback->rx", frame_len);
    std::snprintf(bw, sizeof bw, "2 x %u B", frame_len + kNetHdrSize);
    report(what, ops / seconds(busy), bound, bw);
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t rounds = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4000;
    bench_blk(kBlkIn, 4096, rounds, "blk 4 KiB read (memory disk)");
    bench_blk(kBlkOut, 4096, rounds, "blk 4 KiB write (memory disk)");
    bench_blk(kBlkIn, 65536, rounds / 4, "blk 64 KiB read (memory disk)");
    bench_blk(kBlkFlush, 512, rounds, "blk flush (memory disk, no data)");
    // The real path: a raw image file in the page cache (pread/pwrite per request).
    char tmpl[] = "/tmp/virtio-bench-XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd < 0 || ::ftruncate(fd, 64 << 20) < 0) return std::perror("bench: temporary image"), 1;
    ::close(fd);
    bench_blk(kBlkIn, 4096, rounds, "blk 4 KiB read (raw file, cached)",
              open_raw_disk(tmpl, false).value());
    bench_blk(kBlkOut, 4096, rounds, "blk 4 KiB write (raw file, cached)",
              open_raw_disk(tmpl, false).value());
    ::unlink(tmpl);
    bench_net(1514, rounds);
    bench_net(64, rounds);
    return 0;
}

// The split virtqueue over real guest memory: chains, indirect tables, wrap-around of the
// 16-bit indices, the event index and notification suppression (virtio 1.2 §2.7).
#include <catch2/catch.hpp>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/queue.h"
#include "split_ring_driver.h"

using namespace env::kvm;
using namespace env::kvm::virtio;
using namespace env::kvm::virtio::testing;

namespace {
constexpr uint64_t kRing = 0x10000, kData = 0x100000;
const uint64_t kAll = kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx;

struct Fixture {
    GuestMemory mem = GuestMemory::create(16 << 20).value();
    SplitRingDriver drv{mem, kRing, 8};
    Queue make(uint64_t features = kAll) {
        return Queue::create(mem, drv.config(), 256, features).value();
    }
};
}  // namespace

TEST_CASE("a chain of readable then writable buffers pops with host pointers into guest memory") {
    Fixture f;
    Queue q = f.make();
    f.mem.write(kData, std::vector<unsigned char>{'h', 'i', '!'}).value();
    f.drv.post({{kData, 3}, {kData + 0x1000, 100, true}, {kData + 0x2000, 28, true}});
    DescriptorChain c;
    REQUIRE(q.pop(c).value());
    CHECK(c.buffers.size() == 3);
    CHECK(c.readable_bytes == 3);
    CHECK(c.writable_bytes == 128);
    CHECK(c.buffers[0].host == f.mem.host(kData, 3));
    unsigned char in[3];
    CHECK(ChainReader(c).read(in) == 3);
    CHECK(in[2] == '!');
    ChainWriter w(c);
    std::vector<unsigned char> payload(110, 0xab);
    CHECK(w.write(payload) == 110);
    CHECK(w.written() == 110);
    CHECK(*f.mem.host(kData + 0x2000 + 9, 1) == 0xab);  // the write crossed into the third buffer
    CHECK(*f.mem.host(kData + 0x2000 + 10, 1) == 0);
    q.add_used(c.head, w.written());
    auto u = f.drv.take_used();
    REQUIRE(u);
    CHECK(u->id == c.head);
    CHECK(u->len == 110);
    CHECK_FALSE(q.pop(c).value());
}

TEST_CASE("an indirect table is flattened into one chain") {
    Fixture f;
    Queue q = f.make();
    f.drv.post_indirect({{kData, 16}, {kData + 0x100, 512, true}, {kData + 0x400, 1, true}},
                        kData + 0x8000);
    DescriptorChain c;
    REQUIRE(q.pop(c).value());
    CHECK(c.buffers.size() == 3);
    CHECK(c.readable_bytes == 16);
    CHECK(c.writable_bytes == 513);
}

TEST_CASE("indirect descriptors are refused when the feature was not negotiated") {
    Fixture f;
    Queue q = f.make(kFeatureVersion1);
    f.drv.post_indirect({{kData, 16}}, kData + 0x8000);
    DescriptorChain c;
    CHECK_FALSE(q.pop(c).has_value());
}

TEST_CASE("the available and used indices wrap around 65535") {
    Fixture f;
    Queue q = f.make();
    DescriptorChain c;
    for (int i = 0; i < 70000; ++i) {
        f.drv.post({{kData, 8, true}});
        REQUIRE(q.pop(c).value());
        q.add_used(c.head, 8);
        REQUIRE(f.drv.take_used());
    }
    CHECK(q.next_avail() == static_cast<uint16_t>(70000));
    CHECK(f.drv.used_idx() == static_cast<uint16_t>(70000));
}

TEST_CASE("with the event index, an interrupt is raised only when used_event is crossed") {
    Fixture f;
    Queue q = f.make();
    DescriptorChain c;
    auto one = [&] {
        f.drv.post({{kData, 8, true}});
        REQUIRE(q.pop(c).value());
        q.add_used(c.head, 8);
        f.drv.take_used();
    };
    one();
    CHECK(q.should_notify());  // the first one always
    f.drv.set_used_event(3);   // "interrupt me once used idx passes 3"
    one();                     // used idx 2
    CHECK_FALSE(q.should_notify());
    one();  // 3
    CHECK_FALSE(q.should_notify());
    one();  // 4: crossed 3
    CHECK(q.should_notify());
    one();  // 5
    CHECK_FALSE(q.should_notify());
}

TEST_CASE("without the event index, NO_INTERRUPT suppresses interrupts") {
    Fixture f;
    Queue q = f.make(kFeatureVersion1);
    DescriptorChain c;
    f.drv.post({{kData, 8, true}});
    REQUIRE(q.pop(c).value());
    q.add_used(c.head, 8);
    CHECK(q.should_notify());
    f.drv.set_avail_flags(kAvailNoInterrupt);
    CHECK_FALSE(q.should_notify());
}

TEST_CASE("notification suppression: NO_NOTIFY or avail_event, and a re-check on enable") {
    SECTION("flags") {
        Fixture f;
        Queue q = f.make(kFeatureVersion1);
        q.disable_notifications();
        CHECK(f.drv.used_flags() == kUsedNoNotify);
        CHECK_FALSE(q.enable_notifications());
        CHECK(f.drv.used_flags() == 0);
        f.drv.post({{kData, 8, true}});
        CHECK(q.enable_notifications());  // posted while we were not looking
    }
    SECTION("event index") {
        Fixture f;
        Queue q = f.make();
        DescriptorChain c;
        f.drv.post({{kData, 8, true}});
        f.drv.post({{kData, 8, true}});
        REQUIRE(q.pop(c).value());
        REQUIRE(q.pop(c).value());
        CHECK_FALSE(q.enable_notifications());
        CHECK(f.drv.avail_event() == 2);  // kick me when you post entry 2
    }
}

TEST_CASE("ring addresses are checked when the queue is created") {
    auto mem = GuestMemory::create(16 << 20).value();
    CHECK_FALSE(Queue::create(mem, {8, kRing + 1, kRing + 0x100, kRing + 0x200, true}, 256,
                              kAll));  // misaligned
    CHECK_FALSE(
        Queue::create(mem, {8, (16 << 20) - 64, kRing + 0x100, kRing + 0x200, true}, 256, kAll));
    CHECK_FALSE(
        Queue::create(mem, {6, kRing, kRing + 0x100, kRing + 0x200, true}, 256, kAll));  // not 2^n
    CHECK_FALSE(Queue::create(mem, {512, kRing, kRing + 0x2000, kRing + 0x3000, true}, 256, kAll));
    CHECK_FALSE(Queue::create(mem, {8, kRing, kRing + 0x100, kRing + 0x200, false}, 256, kAll));
    CHECK(Queue::create(mem, {8, kRing, kRing + 0x100, kRing + 0x200, true}, 256, kAll));
}

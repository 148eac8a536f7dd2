// Every malformed queue a guest can build is an Error from pop(), never a crash, an
// out-of-bounds access or a hang; a device turns it into NEEDS_RESET once.
#include <catch2/catch.hpp>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/queue.h"
#include "providers/kvm/virtio/rng/device.h"
#include "split_ring_driver.h"

using namespace env::kvm;
using namespace env::kvm::virtio;
using namespace env::kvm::virtio::testing;

namespace {
constexpr uint64_t kRing = 0x10000, kData = 0x100000, kMem = 16 << 20;
const uint64_t kAll = kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx;

struct Fixture {
    GuestMemory mem = GuestMemory::create(kMem).value();
    SplitRingDriver drv{mem, kRing, 8};
    Queue q = Queue::create(mem, drv.config(), 256, kAll).value();
    DescriptorChain c;
    std::string error() {
        auto r = q.pop(c);
        REQUIRE_FALSE(r.has_value());
        return r.error().message();
    }
};
}  // namespace

TEST_CASE("a descriptor past the end of guest memory is malformed") {
    Fixture f;
    f.drv.post({{kMem - 8, 16}});
    CHECK_THAT(f.error(), Catch::Contains("outside guest memory"));
}

TEST_CASE("a descriptor whose address plus length overflows 64 bits is malformed") {
    Fixture f;
    f.drv.post({{~0ull - 4, 16}});
    CHECK_THAT(f.error(), Catch::Contains("outside guest memory"));
}

TEST_CASE("a chain longer than 4 GiB in total is malformed") {
    Fixture f;
    // Descriptors may overlap, so 300 of 15 MiB each fit in 16 MiB of RAM and add up to
    // more than the 32-bit used length can describe.
    std::vector<Seg> segs(300, Seg{0, 0xF00000});
    f.drv.post_indirect(segs, kData);
    CHECK_THAT(f.error(), Catch::Contains("longer than 4 GiB"));
}

TEST_CASE("a descriptor loop is detected") {
    Fixture f;
    f.drv.set_desc(0, kData, 16, kDescNext, 1);
    f.drv.set_desc(1, kData, 16, kDescNext, 0);
    f.drv.publish(0);
    CHECK_THAT(f.error(), Catch::Contains("loops"));
}

TEST_CASE("a loop inside an indirect table is detected") {
    Fixture f;
    f.mem.write_obj(kData, VirtqDesc{kData + 0x100, 16, kDescNext, 1}).value();
    f.mem.write_obj(kData + 16, VirtqDesc{kData + 0x100, 16, kDescNext, 0}).value();
    f.drv.set_desc(0, kData, 32, kDescIndirect, 0);
    f.drv.publish(0);
    CHECK_THAT(f.error(), Catch::Contains("loops"));
}

TEST_CASE("a chain longer than the queue is malformed") {
    Fixture f;
    for (uint16_t i = 0; i < 8; ++i)
        f.drv.set_desc(i, kData, 16, kDescNext, static_cast<uint16_t>((i + 1) % 8));
    f.drv.publish(3);
    CHECK_THAT(f.error(), Catch::Contains("longer than the queue"));
}

TEST_CASE("zero-length descriptors and indirect tables are malformed") {
    SECTION("direct") {
        Fixture f;
        f.drv.post({{kData, 0}});
        CHECK_THAT(f.error(), Catch::Contains("zero-length"));
    }
    SECTION("indirect") {
        Fixture f;
        f.drv.set_desc(0, kData, 0, kDescIndirect, 0);
        f.drv.publish(0);
        CHECK_THAT(f.error(), Catch::Contains("indirect table of 0 bytes"));
    }
}

TEST_CASE("indices and tables pointing past their end are malformed") {
    SECTION("head") {
        Fixture f;
        f.drv.publish(8);
        CHECK_THAT(f.error(), Catch::Contains("past the descriptor table"));
    }
    SECTION("next") {
        Fixture f;
        f.drv.set_desc(0, kData, 16, kDescNext, 200);
        f.drv.publish(0);
        CHECK_THAT(f.error(), Catch::Contains("past the table"));
    }
    SECTION("indirect next") {
        Fixture f;
        f.mem.write_obj(kData, VirtqDesc{kData + 0x100, 16, kDescNext, 5}).value();
        f.drv.set_desc(0, kData, 16, kDescIndirect, 0);
        f.drv.publish(0);
        CHECK_THAT(f.error(), Catch::Contains("past its table"));
    }
    SECTION("indirect table outside memory") {
        Fixture f;
        f.drv.set_desc(0, kMem - 16, 32, kDescIndirect, 0);
        f.drv.publish(0);
        CHECK_THAT(f.error(), Catch::Contains("outside guest memory"));
    }
    SECTION("available index too far ahead") {
        Fixture f;
        f.drv.set_avail_idx(9);
        CHECK_THAT(f.error(), Catch::Contains("ahead"));
    }
}

TEST_CASE("ordering and nesting rules of §2.7.4-2.7.5 are enforced") {
    SECTION("readable after writable") {
        Fixture f;
        f.drv.post({{kData, 16, true}, {kData, 16}});
        CHECK_THAT(f.error(), Catch::Contains("readable descriptor after a writable"));
    }
    SECTION("nested indirect") {
        Fixture f;
        f.mem.write_obj(kData, VirtqDesc{kData + 0x100, 16, kDescIndirect, 0}).value();
        f.drv.set_desc(0, kData, 16, kDescIndirect, 0);
        f.drv.publish(0);
        CHECK_THAT(f.error(), Catch::Contains("nested"));
    }
    SECTION("indirect with next") {
        Fixture f;
        f.drv.set_desc(0, kData, 16, kDescIndirect | kDescNext, 1);
        f.drv.publish(0);
        CHECK_THAT(f.error(), Catch::Contains("indirect descriptor inside"));
    }
}

TEST_CASE("a device meeting a malformed queue asks for a reset once and stops") {
    auto mem = GuestMemory::create(kMem).value();
    SplitRingDriver drv(mem, kRing, 8);
    RecordingInterrupt irq;
    RngDevice rng;
    REQUIRE(rng.activate({&mem, kAll, {drv.config()}, &irq, nullptr}));
    drv.set_desc(0, kData, 16, kDescNext | kDescWrite, 0);  // a loop
    drv.publish(0);
    rng.queue_notify(0);
    rng.queue_notify(0);
    CHECK(irq.resets == 1);
    CHECK(rng.broken());
    CHECK(irq.used.empty());
    rng.reset();  // the driver resets and sets the queue up again
    SplitRingDriver fresh(mem, kRing, 8);
    REQUIRE(rng.activate({&mem, kAll, {fresh.config()}, &irq, nullptr}));
    fresh.post({{kData, 32, true}});
    rng.queue_notify(0);
    CHECK(fresh.take_used());
    CHECK(irq.used.size() == 1);
}

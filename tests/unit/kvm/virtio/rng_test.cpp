// virtio-rng fills what the driver posts, with kernel randomness (virtio 1.2 §5.4).
#include <catch2/catch.hpp>

#include <algorithm>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/rng/device.h"
#include "split_ring_driver.h"

using namespace env::kvm;
using namespace env::kvm::virtio;
using namespace env::kvm::virtio::testing;

TEST_CASE("virtio-rng fills every writable buffer of each chain and reports the length") {
    auto mem = GuestMemory::create(16 << 20).value();
    SplitRingDriver drv(mem, 0x10000, 16);
    RecordingInterrupt irq;
    RngDevice rng;
    CHECK(rng.id() == DeviceId::Rng);
    CHECK((rng.features() & kFeatureVersion1));
    REQUIRE(rng.activate({&mem, kFeatureVersion1, {drv.config()}, &irq, nullptr}));
    drv.post({{0x100000, 64, true}, {0x200000, 64, true}});
    drv.post({{0x300000, 4096, true}});
    rng.queue_notify(0);
    auto a = drv.take_used(), b = drv.take_used();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->len == 128);
    CHECK(b->len == 4096);
    unsigned char* p = mem.host(0x300000, 4096);
    CHECK(std::count(p, p + 4096, 0) < 100);  // random bytes, not the zeroed memory
    CHECK(irq.used == std::vector<uint16_t>{0});
    CHECK(rng.bytes_served() == 4224);
}

TEST_CASE("virtio-rng does not activate without its queue") {
    auto mem = GuestMemory::create(16 << 20).value();
    RecordingInterrupt irq;
    RngDevice rng;
    QueueConfig not_ready;
    CHECK_FALSE(rng.activate({&mem, kFeatureVersion1, {not_ready}, &irq, nullptr}));
    CHECK_FALSE(rng.active());
}

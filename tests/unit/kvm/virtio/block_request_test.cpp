// virtio-blk requests against a temporary raw image, through the device and its queue.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstring>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/block/device.h"
#include "providers/kvm/virtio/block/request.h"
#include "split_ring_driver.h"
#include "test_support.h"

using namespace env;
using namespace env::kvm;
using namespace env::kvm::virtio;
using namespace env::kvm::virtio::testing;

namespace {
constexpr uint64_t kRing = 0x10000, kHdr = 0x100000, kData = 0x200000, kStatus = 0x300000;
const uint64_t kAll = kFeatureVersion1 | kFeatureIndirectDesc | kFeatureEventIdx;

struct Blk {
    test::TempDir dir;
    GuestMemory mem = GuestMemory::create(16 << 20).value();
    SplitRingDriver drv{mem, kRing, 64};
    RecordingInterrupt irq;
    std::unique_ptr<BlockDevice> dev;

    explicit Blk(bool ro = false, uint64_t size = 1 << 20) {
        std::string img = dir / "disk.img";
        std::string pattern(size, '\0');
        for (size_t i = 0; i < size; ++i)
            pattern[i] = static_cast<char>(i / 512);  // sector number mod 256
        REQUIRE(sys::write_file_atomic(img, pattern));
        dev = std::make_unique<BlockDevice>(open_raw_disk(img, ro).value(), "env-disk-0");
        REQUIRE(dev->activate({&mem, kAll, {drv.config()}, &irq, nullptr}));
    }
    // Posts header + data + status and runs the device; returns the status byte.
    uint8_t request(uint32_t type, uint64_t sector, uint32_t data_len, bool data_writable,
                    uint32_t* used = nullptr) {
        struct {
            uint32_t type, reserved;
            uint64_t sector;
        } h{type, 0, sector};
        mem.write_obj(kHdr, h).value();
        mem.write_obj<uint8_t>(kStatus, 0xff).value();
        std::vector<Seg> segs{{kHdr, 16}};
        if (data_len) segs.push_back({kData, data_len, data_writable});
        segs.push_back({kStatus, 1, true});
        drv.post(segs);
        dev->queue_notify(0);
        auto u = drv.take_used();
        REQUIRE(u);
        if (used) *used = u->len;
        return *mem.host(kStatus, 1);
    }
    unsigned char* data() { return mem.host(kData, 1 << 20); }
};
}  // namespace

TEST_CASE("virtio-blk reads sectors into guest memory") {
    Blk b;
    uint32_t used = 0;
    CHECK(b.request(kBlkIn, 3, 1024, true, &used) == kBlkOk);
    CHECK(used == 1025);
    CHECK(b.data()[0] == 3);
    CHECK(b.data()[1023] == 4);
    CHECK(b.irq.used == std::vector<uint16_t>{0});
}

TEST_CASE("virtio-blk writes, then flushes, and the image holds the data") {
    Blk b;
    std::memset(b.data(), 0x5a, 512);
    CHECK(b.request(kBlkOut, 10, 512, false) == kBlkOk);
    CHECK(b.request(kBlkFlush, 0, 0, false) == kBlkOk);
    std::memset(b.data(), 0, 512);
    CHECK(b.request(kBlkIn, 10, 512, true) == kBlkOk);
    CHECK(b.data()[0] == 0x5a);
    CHECK(b.data()[511] == 0x5a);
    std::string file = sys::read_file(b.dir / "disk.img").value();
    CHECK(file[10 * 512] == 0x5a);
}

TEST_CASE("virtio-blk get-id returns the serial, NUL-padded to 20 bytes") {
    Blk b;
    std::memset(b.data(), 0xff, 20);
    CHECK(b.request(kBlkGetId, 0, 20, true) == kBlkOk);
    CHECK(std::string(reinterpret_cast<char*>(b.data())) == "env-disk-0");
    CHECK(b.data()[19] == 0);
}

TEST_CASE("virtio-blk write-zeroes and discard work on sector ranges") {
    Blk b;
    struct {
        uint64_t sector;
        uint32_t num, flags;
    } seg{4, 8, 0};
    b.mem.write_obj(kData, seg).value();
    CHECK(b.request(kBlkWriteZeroes, 0, 16, false) == kBlkOk);
    CHECK(b.request(kBlkIn, 4, 4096, true) == kBlkOk);
    CHECK(std::all_of(b.data(), b.data() + 4096, [](unsigned char c) { return c == 0; }));
    seg = {16, 8, 0};
    b.mem.write_obj(kData, seg).value();
    CHECK(b.request(kBlkDiscard, 0, 16, false) == kBlkOk);
    seg = {2040, 16, 0};  // past the end of a 2048-sector disk
    b.mem.write_obj(kData, seg).value();
    CHECK(b.request(kBlkWriteZeroes, 0, 16, false) == kBlkIoErr);
}

TEST_CASE("virtio-blk refuses requests past the end, odd lengths and unknown types") {
    Blk b;
    CHECK(b.request(kBlkIn, 2047, 512, true) == kBlkOk);
    CHECK(b.request(kBlkIn, 2047, 1024, true) == kBlkIoErr);
    CHECK(b.request(kBlkIn, ~0ull / 2, 512, true) == kBlkIoErr);
    CHECK(b.request(kBlkOut, 0, 100, false) == kBlkIoErr);
    CHECK(b.request(99, 0, 0, false) == kBlkUnsupp);
    CHECK_FALSE(b.dev->broken());
}

TEST_CASE("a read-only virtio-blk offers RO and fails writes with IOERR") {
    Blk b(true);
    CHECK((b.dev->features() & kBlkFRo));
    CHECK_FALSE((b.dev->features() & kBlkFDiscard));
    CHECK(b.request(kBlkOut, 0, 512, false) == kBlkIoErr);
    CHECK(b.request(kBlkIn, 0, 512, true) == kBlkOk);
    std::string file = sys::read_file(b.dir / "disk.img").value();
    CHECK(file[0] == 0);
}

TEST_CASE("virtio-blk config space reports capacity in sectors") {
    Blk b;
    uint64_t cap = 0;
    b.dev->read_config(0, {reinterpret_cast<uint8_t*>(&cap), 8});
    CHECK(cap == 2048);
    uint32_t past = 7;
    b.dev->read_config(200, {reinterpret_cast<uint8_t*>(&past), 4});
    CHECK(past == 0);
    // Logical block 512 bytes (any filesystem's block size works), physical 4096 bytes.
    CHECK((b.dev->features() & kBlkFBlkSize));
    CHECK((b.dev->features() & kBlkFTopology));
    uint32_t blk_size = 0;
    b.dev->read_config(20, {reinterpret_cast<uint8_t*>(&blk_size), 4});
    CHECK(blk_size == 512);
    uint8_t physical_block_exp = 0;
    b.dev->read_config(24, {&physical_block_exp, 1});
    CHECK((512u << physical_block_exp) == 4096);
    uint16_t min_io = 0;
    b.dev->read_config(26, {reinterpret_cast<uint8_t*>(&min_io), 2});
    CHECK(min_io == 8);
}

TEST_CASE("a block request without a writable status byte needs a reset") {
    Blk b;
    b.drv.post({{kHdr, 16}});
    b.dev->queue_notify(0);
    CHECK(b.irq.resets == 1);
    CHECK(b.dev->broken());
}

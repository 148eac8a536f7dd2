#pragma once
// Well-formed starting inputs for virtio_fuzz: rings built with the tests' driver-side
// ring, so the fuzzer starts from valid rng, blk and net requests (direct and indirect)
// and mutates from there instead of having to discover the ring layout byte by byte.
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/virtio/block/request.h"
#include "tests/unit/kvm/virtio/split_ring_driver.h"

namespace env::kvm::virtio::fuzz {

inline constexpr uint64_t kSeedBytes = 0x3000;  // guest bytes a seed carries

inline void write_seed(const std::string& dir, const std::string& name, uint8_t mode,
                       uint8_t log2size, uint8_t feature_bits, const GuestMemory& mem) {
    std::string bytes{static_cast<char>(mode), static_cast<char>(log2size),
                      static_cast<char>(feature_bits)};
    bytes.append(reinterpret_cast<const char*>(mem.host(0, kSeedBytes)), kSeedBytes);
    if (FILE* f = std::fopen((dir + "/" + name).c_str(), "wb")) {
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
    }
}

inline void write_seeds(const std::string& dir) {
    ::mkdir(dir.c_str(), 0755);
    using testing::Seg;
    for (uint8_t fbits : {0, 3}) {  // no features / indirect + event index
        std::string suffix = fbits ? "-idx" : "";
        {
            auto mem = GuestMemory::create(16 << 20).value();
            testing::SplitRingDriver d(mem, 0, 8);
            d.post({{0x2400, 64, true}, {0x2500, 32, true}});
            write_seed(dir, "rng" + suffix, 0, 3, fbits, mem);
        }
        for (uint32_t type :
             {kBlkIn, kBlkOut, kBlkFlush, kBlkGetId, kBlkDiscard, kBlkWriteZeroes}) {
            auto mem = GuestMemory::create(16 << 20).value();
            testing::SplitRingDriver d(mem, 0, 8);
            struct {
                uint32_t type, reserved;
                uint64_t sector;
            } h{type, 0, 1};
            mem.write_obj(0x2400, h).value();
            struct {
                uint64_t sector;
                uint32_t n, flags;
            } seg{2, 8, 0};
            mem.write_obj(0x2800, seg).value();
            bool in = type == kBlkIn || type == kBlkGetId;
            std::vector<Seg> segs{{0x2400, 16}};
            if (type == kBlkDiscard || type == kBlkWriteZeroes) segs.push_back({0x2800, 16});
            if (type == kBlkIn || type == kBlkOut || type == kBlkGetId)
                segs.push_back({0x2800, 512, in});
            segs.push_back({0x2a00, 1, true});
            if (fbits)
                d.post_indirect(segs, 0x2c00);
            else
                d.post(segs);
            write_seed(dir, "blk" + std::to_string(type) + suffix, 1, 3, fbits, mem);
        }
        {
            auto mem = GuestMemory::create(16 << 20).value();
            testing::SplitRingDriver rx(mem, 0, 8), tx(mem, 0x2000, 8);
            rx.post({{0x2800, 1526, true}});
            mem.fill(0x2400, 12 + 60, 0x11).value();
            tx.post({{0x2400, 12}, {0x2400 + 12, 60}});
            write_seed(dir, "net" + suffix, 2, 3, fbits, mem);
        }
    }
}

}  // namespace env::kvm::virtio::fuzz

#include "providers/kvm/virtio/block/request.h"

#include <cstring>

#include "providers/kvm/hypervisor/rate_limited_log.h"

namespace env::kvm::virtio {
namespace {

struct Header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};
struct Segment {  // discard / write zeroes (§5.2.6)
    uint64_t sector;
    uint32_t num_sectors;
    uint32_t flags;
};

// [sector, sector + bytes) inside the disk, without overflowing.
bool in_range(const DiskImage& disk, uint64_t sector, uint64_t bytes) {
    uint64_t sectors = disk.size() / kSectorSize;
    return sector <= sectors && bytes <= (sectors - sector) * kSectorSize;
}

uint8_t log_error(const Error& e) {
    static RateLimitedLog log("virtio-blk");  // a guest can cause these at will
    log.warn(e.what());
    return kBlkIoErr;
}

uint8_t transfer_in(DiskImage& disk, uint64_t sector, ChainWriter& out, uint32_t len) {
    uint64_t pos = sector * kSectorSize;
    Result<> r;
    out.for_each(len, [&](std::span<unsigned char> piece) -> size_t {
        if (!(r = disk.read(pos, piece))) return 0;
        pos += piece.size();
        return piece.size();
    });
    return r ? kBlkOk : log_error(r.error());
}

uint8_t transfer_out(DiskImage& disk, uint64_t sector, ChainReader& in, uint32_t len) {
    uint64_t pos = sector * kSectorSize;
    Result<> r;
    in.for_each(len, [&](std::span<const unsigned char> piece) {
        if (r && !(r = disk.write(pos, piece))) return;
        pos += piece.size();
    });
    return r ? kBlkOk : log_error(r.error());
}

uint8_t zero_ranges(DiskImage& disk, ChainReader& in, bool discard) {
    size_t n = in.remaining() / sizeof(Segment);
    if (n == 0 || n > kBlkMaxSegments || in.remaining() % sizeof(Segment)) return kBlkIoErr;
    for (size_t i = 0; i < n; ++i) {
        Segment s;
        in.read({reinterpret_cast<unsigned char*>(&s), sizeof s});
        uint64_t bytes = uint64_t{s.num_sectors} * kSectorSize;
        // Only bit 0 (unmap, write zeroes only) is defined; anything else is unsupported.
        if (s.flags & ~1u || (discard && s.flags)) return kBlkUnsupp;
        if (!in_range(disk, s.sector, bytes)) return kBlkIoErr;
        auto r = discard ? disk.discard(s.sector * kSectorSize, bytes)
                         : disk.write_zeroes(s.sector * kSectorSize, bytes);
        if (!r) return log_error(r.error());
    }
    return kBlkOk;
}

}  // namespace

Result<BlkOutcome> handle_blk_request(DiskImage& disk, const DescriptorChain& chain,
                                      const std::string& id) {
    if (chain.writable_bytes == 0)
        return fail(ErrorKind::Invalid, "block request without a status byte");
    ChainReader in(chain);
    ChainWriter out(chain);
    uint32_t data_in = chain.writable_bytes - 1;  // the device-writable bytes before the status
    Header h{};
    uint8_t status = kBlkIoErr;
    if (in.read({reinterpret_cast<unsigned char*>(&h), sizeof h}) == sizeof h) {
        uint32_t data_out = static_cast<uint32_t>(in.remaining());
        bool ro = disk.read_only();
        switch (h.type) {
            case kBlkIn:
                if (data_in % kSectorSize || !in_range(disk, h.sector, data_in)) break;
                status = transfer_in(disk, h.sector, out, data_in);
                break;
            case kBlkOut:
                if (ro || data_out % kSectorSize || !in_range(disk, h.sector, data_out)) break;
                status = transfer_out(disk, h.sector, in, data_out);
                break;
            case kBlkFlush: {
                auto r = disk.flush();
                status = r ? kBlkOk : log_error(r.error());
                break;
            }
            case kBlkGetId: {
                char serial[kBlkIdBytes] = {};  // NUL-padded, not terminated when 20 long
                std::memcpy(serial, id.data(), std::min<size_t>(id.size(), kBlkIdBytes));
                out.write({reinterpret_cast<unsigned char*>(serial),
                           std::min<size_t>(data_in, kBlkIdBytes)});
                status = kBlkOk;
                break;
            }
            case kBlkDiscard:
            case kBlkWriteZeroes:
                if (ro) break;
                status = zero_ranges(disk, in, h.type == kBlkDiscard);
                break;
            default:
                status = kBlkUnsupp;
        }
    }
    // The status is the last writable byte, wherever the data ended.
    out.skip(out.remaining() - 1);
    out.write({&status, 1});
    return BlkOutcome{out.written(), status};
}

}  // namespace env::kvm::virtio

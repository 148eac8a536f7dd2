#include "providers/kvm/virtio/block/cow_disk.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "providers/kvm/virtio/block/file_io.h"
#include "util/sys.h"

namespace env::kvm::virtio {
namespace {

struct MapHeader {
    char magic[8];
    uint32_t cluster;
    uint32_t reserved;
    uint64_t size;
    int64_t base_mtime_ns;
};
constexpr char kMagic[8] = {'E', 'N', 'V', 'C', 'O', 'W', '1', 0};

class CowDisk : public DiskImage {
public:
    CowDisk(UniqueFd base, UniqueFd data, std::string overlay, MapHeader header,
            std::vector<uint8_t> bitmap)
        : base_(std::move(base)),
          data_(std::move(data)),
          overlay_(std::move(overlay)),
          header_(header),
          bitmap_(std::move(bitmap)) {}
    ~CowDisk() override {
        (void)flush();
    }  // a clean stop keeps everything; a crash keeps the last flush

    uint64_t size() const override { return header_.size; }
    bool read_only() const override { return false; }

    Result<> read(uint64_t offset, std::span<unsigned char> out) override {
        size_t done = 0;
        while (done < out.size()) {
            uint64_t pos = offset + done;
            bool here = present(pos / cs());
            // Take the whole run of clusters that come from the same file.
            uint64_t run_end = (pos / cs() + 1) * cs();
            while (run_end < offset + out.size() && present(run_end / cs()) == here)
                run_end += cs();
            size_t n = static_cast<size_t>(std::min<uint64_t>(run_end, offset + out.size()) - pos);
            TRY(pread_full(here ? data_.get() : base_.get(), out.subspan(done, n), pos,
                           here ? overlay_ : "base image"));
            done += n;
        }
        return {};
    }

    Result<> write(uint64_t offset, std::span<const unsigned char> data) override {
        size_t done = 0;
        while (done < data.size()) {
            uint64_t pos = offset + done, c = pos / cs();
            uint64_t cstart = c * cs(), cend = std::min<uint64_t>(cstart + cs(), size());
            size_t n = static_cast<size_t>(std::min<uint64_t>(cend, offset + data.size()) - pos);
            if (present(c) || (pos == cstart && n == cend - cstart)) {
                TRY(pwrite_full(data_.get(), data.subspan(done, n), pos, overlay_));
            } else {  // copy the cluster up, merged with the new bytes
                std::vector<unsigned char> cluster(cend - cstart);
                TRY(pread_full(base_.get(), cluster, cstart, "base image"));
                std::memcpy(cluster.data() + (pos - cstart), data.data() + done, n);
                TRY(pwrite_full(data_.get(), cluster, cstart, overlay_));
            }
            mark(c);
            done += n;
        }
        return {};
    }

    Result<> flush() override {
        if (::fdatasync(data_.get()) < 0) return fail_errno("fdatasync " + overlay_);
        if (!dirty_) return {};
        TRY(save_map(overlay_, header_, bitmap_));  // only after the data it points at is durable
        dirty_ = false;
        return {};
    }

    Result<> discard(uint64_t offset, uint64_t len) override {
        return zero_clusters(offset, len, false);
    }
    Result<> write_zeroes(uint64_t offset, uint64_t len) override {
        return zero_clusters(offset, len, true);
    }

    static Result<> save_map(const std::string& overlay, const MapHeader& h,
                             const std::vector<uint8_t>& bitmap) {
        std::string bytes(reinterpret_cast<const char*>(&h), sizeof h);
        bytes.append(reinterpret_cast<const char*>(bitmap.data()), bitmap.size());
        return sys::write_file_atomic(overlay + ".map", bytes, 0644);
    }

private:
    uint64_t cs() const { return header_.cluster; }
    bool present(uint64_t c) const { return bitmap_[c / 8] & (1u << (c % 8)); }
    void mark(uint64_t c) {
        if (!present(c)) dirty_ = true;
        bitmap_[c / 8] |= static_cast<uint8_t>(1u << (c % 8));
    }

    // Whole clusters become holes in the overlay that the map claims (so they read as
    // zeros, not as the base); partial ones are written with zeros, or left alone when
    // only discarded (a discard's content is unspecified).
    Result<> zero_clusters(uint64_t offset, uint64_t len, bool must_zero) {
        uint64_t end = offset + len;
        for (uint64_t pos = offset; pos < end;) {
            uint64_t c = pos / cs(), cstart = c * cs(),
                     cend = std::min<uint64_t>(cstart + cs(), size());
            uint64_t n = std::min(cend, end) - pos;
            if (pos == cstart && n == cend - cstart) {
                if (::fallocate(data_.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                                static_cast<off_t>(pos), static_cast<off_t>(n)) < 0) {
                    if (errno != EOPNOTSUPP) return fail_errno("punch a hole in " + overlay_);
                    TRY(write_zero_bytes(data_.get(), pos, n, overlay_));
                }
                mark(c);
            } else if (must_zero) {
                std::vector<unsigned char> zeros(n, 0);
                TRY(write(pos, zeros));
            }
            pos += n;
        }
        return {};
    }

    UniqueFd base_, data_;
    std::string overlay_;
    MapHeader header_;
    std::vector<uint8_t> bitmap_;
    bool dirty_ = false;
};

}  // namespace

Result<std::unique_ptr<DiskImage>> open_cow_disk(const std::string& base_path,
                                                 const std::string& overlay) {
    UniqueFd base = TRY(sys::open(base_path, O_RDONLY | O_CLOEXEC));
    struct stat st;
    if (::fstat(base.get(), &st) < 0) return fail_errno("stat " + base_path);
    if (!S_ISREG(st.st_mode))
        return fail(ErrorKind::Invalid, base_path + " is not a disk image file");
    MapHeader want{};
    std::memcpy(want.magic, kMagic, sizeof kMagic);
    want.cluster = kCowClusterSize;
    want.size = static_cast<uint64_t>(st.st_size);
    want.base_mtime_ns = st.st_mtim.tv_sec * 1'000'000'000ll + st.st_mtim.tv_nsec;
    std::vector<uint8_t> bitmap((want.size / kCowClusterSize + 1 + 7) / 8, 0);
    std::string map_path = overlay + ".map";

    if (sys::exists(map_path)) {
        std::string bytes = TRY(sys::read_file(map_path));
        MapHeader h;
        if (bytes.size() != sizeof h + bitmap.size())
            return fail(ErrorKind::Invalid, map_path + " is not an overlay map for " + base_path);
        std::memcpy(&h, bytes.data(), sizeof h);
        if (std::memcmp(h.magic, kMagic, sizeof kMagic) || h.cluster != want.cluster)
            return fail(ErrorKind::Invalid, map_path + " is not an overlay map");
        if (h.size != want.size || h.base_mtime_ns != want.base_mtime_ns)
            return fail(ErrorKind::Invalid, "base image " + base_path + " changed since overlay " +
                                                overlay + " was made");
        std::memcpy(bitmap.data(), bytes.data() + sizeof h, bitmap.size());
        UniqueFd data = TRY(sys::open(overlay, O_RDWR | O_CLOEXEC));
        return std::make_unique<CowDisk>(std::move(base), std::move(data), overlay, h,
                                         std::move(bitmap));
    }
    // New overlay, or one whose map never got written (a crash right after creating it: it
    // is still all holes). Anything else at that path is somebody's data: never truncate it.
    struct stat existing;
    if (::stat(overlay.c_str(), &existing) == 0 &&
        (!S_ISREG(existing.st_mode) || existing.st_blocks > 0))
        return fail(ErrorKind::Invalid, overlay + " exists but has no overlay map (" + map_path +
                                            "); refusing to overwrite it");
    UniqueFd data = TRY(sys::open(overlay, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (::ftruncate(data.get(), static_cast<off_t>(want.size)) < 0)
        return fail_errno("size " + overlay);
    if (::fsync(data.get()) < 0) return fail_errno("fsync " + overlay);
    TRY(CowDisk::save_map(overlay, want, bitmap));
    return std::make_unique<CowDisk>(std::move(base), std::move(data), overlay, want,
                                     std::move(bitmap));
}

}  // namespace env::kvm::virtio

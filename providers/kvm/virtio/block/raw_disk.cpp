#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "providers/kvm/virtio/block/cow_disk.h"
#include "providers/kvm/virtio/block/disk_image.h"
#include "providers/kvm/virtio/block/file_io.h"
#include "util/sys.h"

namespace env::kvm::virtio {
namespace {

class RawDisk : public DiskImage {
public:
    RawDisk(UniqueFd fd, uint64_t size, bool ro, std::string path)
        : fd_(std::move(fd)), size_(size), ro_(ro), path_(std::move(path)) {}
    uint64_t size() const override { return size_; }
    bool read_only() const override { return ro_; }
    Result<> read(uint64_t offset, std::span<unsigned char> out) override {
        return pread_full(fd_.get(), out, offset, path_);
    }
    Result<> write(uint64_t offset, std::span<const unsigned char> data) override {
        if (ro_) return fail(ErrorKind::Invalid, path_ + " is read-only");
        return pwrite_full(fd_.get(), data, offset, path_);
    }
    Result<> flush() override {
        if (ro_) return {};
        if (::fdatasync(fd_.get()) < 0) return fail_errno("fdatasync " + path_);
        return {};
    }
    Result<> discard(uint64_t offset, uint64_t len) override {
        if (ro_) return fail(ErrorKind::Invalid, path_ + " is read-only");
        // Advisory: a filesystem without hole punching just keeps the blocks.
        if (::fallocate(fd_.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off(offset),
                        off(len)) < 0 &&
            errno != EOPNOTSUPP)
            return fail_errno("discard in " + path_);
        return {};
    }
    Result<> write_zeroes(uint64_t offset, uint64_t len) override {
        if (ro_) return fail(ErrorKind::Invalid, path_ + " is read-only");
        if (::fallocate(fd_.get(), FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off(offset),
                        off(len)) == 0)
            return {};
        if (errno != EOPNOTSUPP) return fail_errno("write zeroes in " + path_);
        return write_zero_bytes(fd_.get(), offset, len, path_);
    }

private:
    static off_t off(uint64_t v) { return static_cast<off_t>(v); }
    UniqueFd fd_;
    uint64_t size_;
    bool ro_;
    std::string path_;
};

}  // namespace

Result<std::unique_ptr<DiskImage>> open_raw_disk(const std::string& path, bool read_only) {
    UniqueFd fd = TRY(sys::open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC));
    struct stat st;
    if (::fstat(fd.get(), &st) < 0) return fail_errno("stat " + path);
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return fail(ErrorKind::Invalid, path + " is not a disk image file");
    uint64_t size = static_cast<uint64_t>(st.st_size);
    if (S_ISBLK(st.st_mode)) {
        off_t end = ::lseek(fd.get(), 0, SEEK_END);
        if (end < 0) return fail_errno("size of " + path);
        size = static_cast<uint64_t>(end);
    }
    return std::make_unique<RawDisk>(std::move(fd), size, read_only, path);
}

Result<std::unique_ptr<DiskImage>> open_disk(const std::string& path, const std::string& base,
                                             bool read_only) {
    if (base.empty()) return open_raw_disk(path, read_only);
    if (read_only)
        return fail(ErrorKind::Invalid,
                    "disk " + path + ": a copy-on-write overlay cannot be read-only");
    return open_cow_disk(base, path);
}

}  // namespace env::kvm::virtio

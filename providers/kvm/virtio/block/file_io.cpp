#include "providers/kvm/virtio/block/file_io.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace env::kvm::virtio {

Result<> pread_full(int fd, std::span<unsigned char> out, uint64_t offset,
                    const std::string& what) {
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_errno("read " + what);
        if (n == 0) {  // past the end of the file: the disk reads zeros there
            std::memset(out.data() + done, 0, out.size() - done);
            break;
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

Result<> pwrite_full(int fd, std::span<const unsigned char> data, uint64_t offset,
                     const std::string& what) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n =
            ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_errno("write " + what);
        done += static_cast<size_t>(n);
    }
    return {};
}

Result<> write_zero_bytes(int fd, uint64_t offset, uint64_t len, const std::string& what) {
    static const std::vector<unsigned char> zeros(64 * 1024, 0);
    while (len) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(len, zeros.size()));
        TRY(pwrite_full(fd, {zeros.data(), n}, offset, what));
        offset += n;
        len -= n;
    }
    return {};
}

}  // namespace env::kvm::virtio

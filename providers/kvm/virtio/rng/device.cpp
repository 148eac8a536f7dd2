#include "providers/kvm/virtio/rng/device.h"

#include <sys/random.h>

#include <cerrno>

namespace env::kvm::virtio {

// A guest may post one 4 GiB buffer; the device may fill less (the used length says how
// much), and a bounded fill keeps one request from stalling the event loop.
constexpr size_t kMaxPerRequest = 64 * 1024;

void RngDevice::queue_notify(uint16_t index) {
    if (index != 0) return;
    drain(0, chain_, [&](DescriptorChain& chain) -> Result<uint32_t> {
        ChainWriter out(chain);
        out.for_each(std::min(out.remaining(), kMaxPerRequest),
                     [](std::span<unsigned char> piece) -> size_t {
                         ssize_t n;
                         do n = ::getrandom(piece.data(), piece.size(), 0);
                         while (n < 0 && errno == EINTR);
                         return n < 0 ? 0 : static_cast<size_t>(n);
                     });
        bytes_served_ += out.written();
        return static_cast<uint32_t>(out.written());
    });
}

}  // namespace env::kvm::virtio

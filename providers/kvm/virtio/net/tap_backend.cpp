#include "providers/kvm/virtio/net/tap_backend.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "net/tap_link.h"

namespace env::kvm::virtio {

constexpr size_t kTapFrameMax = 65536;  // a tap read returns one frame, at most this

Result<std::unique_ptr<TapBackend>> TapBackend::create(UniqueFd tap) {
    int flags = ::fcntl(tap.get(), F_GETFL);
    if (flags < 0 || ::fcntl(tap.get(), F_SETFL, flags | O_NONBLOCK) < 0)
        return fail_errno("make the tap non-blocking");
    return std::unique_ptr<TapBackend>(new TapBackend(std::move(tap)));
}

Result<std::unique_ptr<TapBackend>> TapBackend::open(const std::string& name) {
    return create(TRY(net::open_tap(name)));
}

Result<> TapBackend::start(EventLoop& loop, Deliver deliver) {
    loop_ = &loop;
    deliver_ = std::move(deliver);
    pending_.resize(kTapFrameMax);
    pending_len_ = 0;
    loop_->watch(tap_.get(), [this] { on_readable(); });
    watching_ = true;
    return {};
}

void TapBackend::stop() {
    if (watching_) loop_->unwatch(tap_.get());
    watching_ = false;
    loop_ = nullptr;
    deliver_ = nullptr;
    pending_len_ = 0;
}

void TapBackend::on_readable() {
    for (;;) {
        if (!pending_len_) {
            ssize_t n = ::read(tap_.get(), pending_.data(), pending_.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno != EAGAIN)
                spdlog::warn("virtio-net: reading the tap: {}", std::strerror(errno));
            if (n <= 0) return;
            pending_len_ = static_cast<size_t>(n);
        }
        if (!deliver_({pending_.data(), pending_len_})) {
            loop_->unwatch(tap_.get());  // resume() watches again
            watching_ = false;
            return;
        }
        pending_len_ = 0;
    }
}

void TapBackend::resume() {
    if (!loop_ || watching_) return;
    if (pending_len_ && !deliver_({pending_.data(), pending_len_})) return;
    pending_len_ = 0;
    loop_->watch(tap_.get(), [this] { on_readable(); });
    watching_ = true;
}

void TapBackend::send(std::span<const uint8_t> frame) {
    // The tap's queue full means the host side is not keeping up: drop, TCP retransmits.
    ssize_t n;
    do n = ::write(tap_.get(), frame.data(), frame.size());
    while (n < 0 && errno == EINTR);
    if (n < 0) ++send_dropped_;
}

}  // namespace env::kvm::virtio

#include "providers/kvm/virtio/net/slirp_backend.h"

#include <deque>
#include <mutex>
#include <vector>

namespace env::kvm::virtio {

// Frames beyond this wait nowhere: dropped, like a full NIC ring (TCP retransmits).
constexpr size_t kMaxQueued = 512;

struct SlirpBackend::Shared {
    std::mutex mu;
    std::deque<std::vector<uint8_t>> frames;
    bool drain_posted = false;  // a drain task is queued on the loop
    bool paused = false;        // the guest had no buffer; wait for resume()
    uint64_t dropped = 0;
    EventLoop* loop = nullptr;  // null once stopped
    Deliver deliver;            // used on the loop thread only

    // On the loop thread: hand frames over until the guest runs out of buffers.
    void drain() {
        for (;;) {
            std::vector<uint8_t> frame;
            {
                std::lock_guard lk(mu);
                drain_posted = false;
                if (!loop || paused || frames.empty()) return;
                frame = std::move(frames.front());
                frames.pop_front();
            }
            if (!deliver(frame)) {
                std::lock_guard lk(mu);
                frames.push_front(std::move(frame));
                paused = true;
                return;
            }
        }
    }
};

namespace {
// Called on the stack's thread.
class Sink : public net::FrameSink {
public:
    explicit Sink(std::shared_ptr<SlirpBackend::Shared> s) : s_(std::move(s)) {}
    void send_frame(std::span<const uint8_t> frame) override {
        std::lock_guard lk(s_->mu);
        if (!s_->loop) return;
        if (s_->frames.size() >= kMaxQueued) return void(++s_->dropped);
        s_->frames.emplace_back(frame.begin(), frame.end());
        if (s_->paused || s_->drain_posted) return;
        s_->drain_posted = true;
        // The task holds the shared state, so it is safe even after the backend is gone.
        s_->loop->post([s = s_] { s->drain(); });
    }

private:
    std::shared_ptr<SlirpBackend::Shared> s_;
};
}  // namespace

SlirpBackend::SlirpBackend(net::SlirpStack& stack)
    : stack_(stack), shared_(std::make_shared<Shared>()), sink_(std::make_unique<Sink>(shared_)) {}

SlirpBackend::~SlirpBackend() {
    stop();
}

Result<> SlirpBackend::start(EventLoop& loop, Deliver deliver) {
    {
        std::lock_guard lk(shared_->mu);
        shared_->loop = &loop;
        shared_->deliver = std::move(deliver);
        shared_->paused = false;
    }
    stack_.set_sink(sink_.get());
    return {};
}

void SlirpBackend::stop() {
    stack_.set_sink(nullptr);  // synchronous: no send_frame() runs after this
    std::lock_guard lk(shared_->mu);
    shared_->loop = nullptr;
    shared_->frames.clear();
    shared_->deliver = nullptr;
}

void SlirpBackend::send(std::span<const uint8_t> frame) {
    stack_.input(frame);
}

void SlirpBackend::resume() {
    {
        std::lock_guard lk(shared_->mu);
        if (!shared_->paused) return;
        shared_->paused = false;
    }
    shared_->drain();
}

uint64_t SlirpBackend::dropped() const {
    std::lock_guard lk(shared_->mu);
    return shared_->dropped;
}

}  // namespace env::kvm::virtio

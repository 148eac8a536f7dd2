#pragma once
// A backend that sends every transmitted frame straight back to the guest, for tests and
// the benchmark: it exercises both queues and the hold-and-resume path with no sockets.
// Frames the guest cannot take yet wait in a bounded queue, as in the other backends.
#include <deque>
#include <vector>

#include "providers/kvm/virtio/net/backend.h"

namespace env::kvm::virtio {

class LoopbackBackend : public NetBackend {
public:
    static constexpr size_t kMaxHeld = 256;

    Result<> start(EventLoop&, Deliver deliver) override {
        deliver_ = std::move(deliver);
        return {};
    }
    void stop() override {
        deliver_ = nullptr;
        held_.clear();
    }
    void send(std::span<const uint8_t> frame) override {
        ++sent_;
        if (!deliver_) return;
        if (held_.empty() && deliver_(frame)) return;  // the common case: no copy kept
        if (held_.size() >= kMaxHeld) return void(++dropped_);
        held_.emplace_back(frame.begin(), frame.end());
    }
    void resume() override {
        while (deliver_ && !held_.empty() && deliver_(held_.front())) held_.pop_front();
    }

    uint64_t sent() const { return sent_; }
    uint64_t dropped() const { return dropped_; }
    size_t held() const { return held_.size(); }

private:
    Deliver deliver_;
    std::deque<std::vector<uint8_t>> held_;
    uint64_t sent_ = 0, dropped_ = 0;
};

}  // namespace env::kvm::virtio

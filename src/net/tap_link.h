#pragma once
// Connects a tap device to a SlirpStack: frames the tap delivers (the container's traffic)
// go into the stack, frames the stack sends go out through the tap. The tap fd is read on
// the stack's loop thread (SlirpStack::watch_fd), so a link adds no thread of its own.
// The container supervisor creates the tap inside the container's network namespace and
// hands its fd over; open_tap() does the same for tests.
#include <memory>
#include <span>
#include <string>

#include "net/frame_sink.h"
#include "net/slirp_stack.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace env::net {

// Creates (or attaches to) tap device `name` in the caller's network namespace: IFF_TAP |
// IFF_NO_PI (plain ethernet frames, no packet-info header), non-blocking, close-on-exec.
// The device disappears with the last fd unless made persistent.
Result<UniqueFd> open_tap(const std::string& name);

class TapLink : public FrameSink {
public:
    // Takes the tap fd (switched to non-blocking) and becomes the stack's sink.
    static Result<std::unique_ptr<TapLink>> attach(SlirpStack& stack, UniqueFd tap);
    // Detaches from the stack (no frames flow afterwards) and closes the tap fd. A link must
    // be destroyed before its stack.
    ~TapLink() override;
    TapLink(const TapLink&) = delete;
    TapLink& operator=(const TapLink&) = delete;

    void send_frame(std::span<const uint8_t> frame) override;

    struct Counters {
        uint64_t frames_in = 0, frames_out = 0, dropped_out = 0;
    };
    Counters counters() const { return counters_; }  // approximate when read off the loop thread

private:
    TapLink(SlirpStack& stack, UniqueFd tap) : stack_(stack), tap_(std::move(tap)) {}
    void on_readable();

    SlirpStack& stack_;
    UniqueFd tap_;
    Counters counters_;
};

}  // namespace env::net

#pragma once
// Puts a local tty into raw mode for an interactive session and restores it on
// destruction, whatever path leaves the session (RAII, so an error cannot leave the user's
// terminal without echo).
#include <termios.h>

#include "util/error.h"

namespace env::ssh {

class RawTerminal {
public:
    // Does nothing (active() == false) when fd is not a tty.
    static Result<RawTerminal> enter(int fd);
    RawTerminal(RawTerminal&& o) noexcept;
    RawTerminal& operator=(RawTerminal&&) = delete;
    RawTerminal(const RawTerminal&) = delete;
    ~RawTerminal();
    bool active() const { return active_; }

private:
    RawTerminal() = default;
    int fd_ = -1;
    bool active_ = false;
    struct termios saved_ {};
};

}  // namespace env::ssh

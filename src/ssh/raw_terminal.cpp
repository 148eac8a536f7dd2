#include "ssh/raw_terminal.h"

#include <unistd.h>

#include <utility>

namespace env::ssh {

Result<RawTerminal> RawTerminal::enter(int fd) {
    RawTerminal t;
    if (!::isatty(fd)) return t;
    if (::tcgetattr(fd, &t.saved_) != 0) return fail_errno("tcgetattr");
    struct termios raw = t.saved_;
    // The same settings as OpenSSH's enter_raw_mode(): the remote PTY does line editing,
    // echo and signal keys, so the local one must pass every byte through untouched.
    raw.c_iflag |= IGNPAR;
    raw.c_iflag &= ~(ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXANY | IXOFF);
    raw.c_lflag &= ~(ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHONL | IEXTEN);
    raw.c_oflag &= ~OPOST;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSADRAIN, &raw) != 0) return fail_errno("tcsetattr");
    t.fd_ = fd;
    t.active_ = true;
    return t;
}

RawTerminal::RawTerminal(RawTerminal&& o) noexcept
    : fd_(o.fd_), active_(std::exchange(o.active_, false)), saved_(o.saved_) {}

RawTerminal::~RawTerminal() {
    if (active_) ::tcsetattr(fd_, TCSADRAIN, &saved_);
}

}  // namespace env::ssh

#include "util/term.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

namespace env::term {
namespace {
bool g_color = true;
}

void set_color(bool enabled) { g_color = enabled; }

bool is_tty(int fd) { return ::isatty(fd) == 1; }

bool color(int fd) {
    const char* no = std::getenv("NO_COLOR");
    return g_color && !(no && *no) && is_tty(fd);
}

int width(int fd) {
    struct winsize ws {};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

int height(int fd) {
    struct winsize ws {};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
    return 24;
}

std::string paint(std::string_view sgr, std::string_view text, int fd) {
    if (!color(fd)) return std::string(text);
    return "\x1b[" + std::string(sgr) + "m" + std::string(text) + "\x1b[0m";
}

}  // namespace env::term

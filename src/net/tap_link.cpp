#include "net/tap_link.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace env::net {

Result<UniqueFd> open_tap(const std::string& name) {
    if (name.empty() || name.size() >= IFNAMSIZ)
        return fail(ErrorKind::Invalid, "bad tap device name '" + name + "'");
    UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK));
    if (!fd) return fail_errno("open /dev/net/tun");
    struct ifreq ifr {};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0) return fail_errno("TUNSETIFF " + name);
    return fd;
}

Result<std::unique_ptr<TapLink>> TapLink::attach(SlirpStack& stack, UniqueFd tap) {
    int flags = ::fcntl(tap.get(), F_GETFL);
    if (flags < 0 || ::fcntl(tap.get(), F_SETFL, flags | O_NONBLOCK) != 0)
        return fail_errno("fcntl O_NONBLOCK on the tap fd");
    std::unique_ptr<TapLink> link(new TapLink(stack, std::move(tap)));
    stack.set_sink(link.get());
    stack.watch_fd(link->tap_.get(), [l = link.get()] { l->on_readable(); });
    return link;
}

TapLink::~TapLink() {
    stack_.unwatch_fd(tap_.get());
    stack_.set_sink(nullptr);
}

void TapLink::on_readable() {
    // Bounded so one busy guest cannot starve the stack's timers and host sockets.
    uint8_t buf[65536];
    for (int i = 0; i < 64; ++i) {
        ssize_t n = ::read(tap_.get(), buf, sizeof buf);
        if (n <= 0) return;  // EAGAIN (drained), or the device went away
        ++counters_.frames_in;
        stack_.input({buf, static_cast<size_t>(n)});
    }
}

void TapLink::send_frame(std::span<const uint8_t> frame) {
    ssize_t n = ::write(tap_.get(), frame.data(), frame.size());
    if (n == static_cast<ssize_t>(frame.size())) {
        ++counters_.frames_out;
    } else {
        ++counters_.dropped_out;  // tap queue full or link down: dropped like a full NIC ring
    }
}

}  // namespace env::net

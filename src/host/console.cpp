#include "host/console.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/sys.h"

namespace env::host {

Result<Console> Console::open(const std::string& log_path) {
    Console c;
    c.master_.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
    if (!c.master_) return fail_errno("posix_openpt");
    if (::grantpt(c.master_.get()) != 0 || ::unlockpt(c.master_.get()) != 0)
        return fail_errno("unlockpt");
    char name[128];
    if (::ptsname_r(c.master_.get(), name, sizeof name) != 0) return fail_errno("ptsname");
    c.slave_path_ = name;
    c.slave_ = TRY(sys::open(c.slave_path_, O_RDWR | O_NOCTTY));
    c.log_ = TRY(sys::open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644));
    return c;
}

Result<> Console::give_to(uid_t uid, gid_t gid) {
    if (::fchown(slave_.get(), uid, gid) != 0) return fail_errno("chown " + slave_path_);
    return {};
}

void Console::pump() {
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(master_.get(), buf, sizeof buf);
        if (n <= 0) return;
        (void)sys::write_all(log_.get(), std::string_view(buf, static_cast<size_t>(n)));
    }
}

}  // namespace env::host

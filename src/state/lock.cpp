#include "state/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "util/sys.h"

namespace env::state {

Result<MachineLock> MachineLock::acquire(const std::string& path, const std::string& what,
                                         const std::string& command_line, bool wait) {
    TRY(sys::make_dirs(path.substr(0, path.rfind('/'))));
    UniqueFd fd = TRY(sys::open(path, O_RDWR | O_CREAT, 0644));
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK) return fail_errno("lock " + path);
        std::string holder = sys::read_all(fd.get()).value_or("");
        while (!holder.empty() && holder.back() == '\n') holder.pop_back();
        if (holder.empty()) holder = "another env command";
        if (!wait)
            return fail(ErrorKind::Busy, what + " is busy: locked by " + holder +
                                             " (retry with --wait to wait for it)");
        while (::flock(fd.get(), LOCK_EX) != 0)
            if (errno != EINTR) return fail_errno("lock " + path);
    }
    // Record who we are for the next one who finds the lock taken.
    std::string me = "pid " + std::to_string(::getpid()) + " (" + command_line + ")\n";
    if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), me.data(), me.size(), 0) < 0)
        return fail_errno("write " + path);
    return MachineLock(std::move(fd), path);
}

MachineLock::~MachineLock() {
    // Clear the holder note before the lock goes, so nobody reads a stale name.
    if (fd_) (void)!::ftruncate(fd_.get(), 0);
}

}  // namespace env::state

#include "providers/container/supervisor/path_in_root.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace env::container {
namespace {

int openat2_in_root(int root_fd, const std::string& rel, int flags) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how));
}

}  // namespace

std::string fd_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

Result<UniqueFd> open_in_root(int root_fd, const std::string& rel, Leaf leaf) {
    int fd = openat2_in_root(root_fd, rel, O_PATH);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != ENOENT) return fail_errno("open " + rel + " in the container root");
    // Walk from the root, creating what is missing. Each step resolves inside the root.
    std::string sofar;
    size_t pos = 0;
    while (pos <= rel.size()) {
        size_t slash = rel.find('/', pos);
        if (slash == std::string::npos) slash = rel.size();
        std::string name = rel.substr(pos, slash - pos);
        bool last = slash == rel.size();
        pos = slash + 1;
        if (name.empty()) continue;
        std::string next = sofar.empty() ? name : sofar + "/" + name;
        int probe = openat2_in_root(root_fd, next, O_PATH);
        if (probe >= 0) {
            ::close(probe);
        } else if (errno == ENOENT) {
            UniqueFd parent(sofar.empty() ? ::fcntl(root_fd, F_DUPFD_CLOEXEC, 0)
                                          : openat2_in_root(root_fd, sofar, O_PATH | O_DIRECTORY));
            if (!parent) return fail_errno("open " + sofar + " in the container root");
            int rc;
            if (last && leaf == Leaf::File) {
                rc = ::openat(parent.get(), name.c_str(),
                              O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (rc >= 0) ::close(rc), rc = 0;
            } else {
                rc = ::mkdirat(parent.get(), name.c_str(), 0755);
            }
            if (rc != 0 && errno != EEXIST)
                return fail_errno("create " + next + " in the container root");
        } else {
            return fail_errno("open " + next + " in the container root");
        }
        sofar = next;
    }
    fd = openat2_in_root(root_fd, rel, O_PATH);
    if (fd < 0) return fail_errno("open " + rel + " in the container root");
    return UniqueFd(fd);
}

}  // namespace env::container

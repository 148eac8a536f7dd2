#pragma once
// Opens paths inside a container's root filesystem the way the container would see them:
// symlinks resolve against that root (openat2 RESOLVE_IN_ROOT, Linux 5.6), so a box with
// "/env -> /etc" makes us mount onto <root>/etc, never onto the host's /etc. Missing
// directories are created on the way. The returned O_PATH fd is then used as a mount
// target through /proc/self/fd/N (as runc does).
#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::container {

enum class Leaf { Directory, File };

// rel: "env/x" (no leading slash). Creates missing parents (0755) and the leaf.
Result<UniqueFd> open_in_root(int root_fd, const std::string& rel, Leaf leaf);
std::string fd_path(int fd);

}  // namespace env::container

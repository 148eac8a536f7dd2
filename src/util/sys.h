#pragma once
// Thin system-call wrappers. Each failure becomes an Error naming the operation and the
// path it touched, with errno kept, so callers only add context.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::sys {

Result<UniqueFd> open(const std::string& path, int flags, mode_t mode = 0644);
// Retries on EINTR and short writes.
Result<> write_all(int fd, std::string_view data);
// Reads until EOF.
Result<std::string> read_all(int fd);
Result<std::string> read_file(const std::string& path);

// Writes a file so that readers see either the old or the new content, never a torn one:
// a temporary file in the same directory, fsync, rename over the target, fsync the directory.
Result<> write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);

// mkdir -p. Existing directories are fine.
Result<> make_dirs(const std::string& path, mode_t mode = 0755);
// rm -rf that does not follow symlinks and stays on one filesystem.
Result<> remove_tree(const std::string& path);

// Names in a directory, without "." and "..", in no particular order.
Result<std::vector<std::string>> list_dir(const std::string& path);

bool exists(const std::string& path);
bool is_dir(const std::string& path);

}  // namespace env::sys

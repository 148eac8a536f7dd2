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

// Durable: the content survives a crash once the call returns. AtomicOnly: readers still
// never see a torn file, but a crash may leave the old content; for files derived from
// others and rewritten by every `up` (known_hosts, hosts files), where fsyncs only cost.
enum class Durability { Durable, AtomicOnly };

// Writes a file so that readers see either the old or the new content, never a torn one:
// a temporary file in the same directory, fsync, rename over the target, fsync the directory.
Result<> write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644,
                           Durability d = Durability::Durable);

struct FileContent {
    std::string path;
    std::string data;
    mode_t mode = 0644;
};
// Several files, each as write_file_atomic would, but their fsyncs run concurrently and each
// directory is synced once: concurrent fsyncs share one journal commit (ext4/jbd2 batches
// them), one after another each waits for its own (four key files on a busy disk: 36-44 ms
// in turn, 5-8 ms at once). On failure no temporary is left; files already renamed stay.
Result<> write_files_atomic(const std::vector<FileContent>& files,
                            Durability d = Durability::Durable);

// Closes fd on a thread of its own, for descriptors whose close blocks for nothing the
// caller needs: a packet socket's waits for an RCU grace period (packet_release calls
// synchronize_net), 10-30 ms.
void close_in_background(UniqueFd fd);

// Opens /dev/null on each of fds 0, 1 and 2 that is closed. A program started with one
// closed (by cron, or `cmd <&-`) would otherwise get its next open file there, and its own
// output, or a child's, written into a lock file or an SSH connection.
void open_standard_fds();

// mkdir -p. Existing directories are fine.
Result<> make_dirs(const std::string& path, mode_t mode = 0755);
// rm -rf that does not follow symlinks and stays on one filesystem.
Result<> remove_tree(const std::string& path);

// Names in a directory, without "." and "..", in no particular order.
Result<std::vector<std::string>> list_dir(const std::string& path);

bool exists(const std::string& path);
bool is_dir(const std::string& path);

}  // namespace env::sys

#pragma once
// Descriptors between a machine's processes (the CLI, its host process, the machine's first
// process): one message over a unix socket with a descriptor riding along (SCM_RIGHTS), and
// waiting for a descriptor to become readable before a deadline. EINTR is retried.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::host {

using Deadline = std::chrono::steady_clock::time_point;

inline Deadline deadline_in(int timeout_ms) {
    return std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
}

// Waits until fd is readable (or its peer hung up) or deadline passes: false when it passed.
Result<bool> wait_readable(int fd, Deadline deadline);

// One message of data (at least one byte) with fd attached (fd < 0: none).
Result<> send_with_fd(int sock, std::string_view data, int fd);

struct Received {
    std::string data;  // empty: the peer closed its end
    UniqueFd fd;       // what rode along, if anything (close-on-exec)
};
// One message, at most max_size bytes. Blocks: wait_readable() first to bound it.
Result<Received> receive_with_fd(int sock, size_t max_size = 4096);

}  // namespace env::host

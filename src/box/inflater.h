#pragma once
// Decompresses a box (gzip, zstd, xz, bzip2 or none) on a thread of its own and feeds the
// plain tar stream to a libarchive reader. Decompression then overlaps the file writes, as
// `tar -xz` gets by running gzip as a separate process: on a 2-core machine that is the
// difference between matching curl+tar and trailing it by the decompression time.
#include <archive.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "util/error.h"

namespace env::box {

class Inflater {
public:
    explicit Inflater(std::string path);
    ~Inflater();  // stops the thread and joins it
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Opens `reader` (its formats already chosen, no filters needed) on this stream.
    Result<> open(archive* reader);
    // Compressed bytes consumed so far (for progress against the file's size).
    uint64_t compressed_bytes() const { return compressed_.load(); }

private:
    void run();
    static la_ssize_t on_read(archive* a, void* self, const void** buf);

    std::string path_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::string> chunks_;
    std::string current_;  // the chunk libarchive is reading; kept alive until the next call
    bool done_ = false, stop_ = false;
    std::string error_;
    std::atomic<uint64_t> compressed_{0};
};

}  // namespace env::box

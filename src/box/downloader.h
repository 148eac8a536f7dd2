#pragma once
// Downloads with libcurl (http, https, file): resumes a partial file with an HTTP range,
// starts over once when the server ignores or refuses the range, retries a dropped
// connection from where it stopped, hashes the bytes as they arrive, and reports
// failures in one line naming the URL and the HTTP status or curl's reason.
#include <cstdint>
#include <string>

#include "util/error.h"
#include "util/progress.h"

namespace env::box {

struct DownloadOptions {
    long connect_timeout_s = 30;
    // Abort when fewer than 1 byte/s arrive for this long (a stalled server).
    long stall_timeout_s = 60;
    // How many times a dropped connection is resumed within one fetch() call.
    int retries = 3;
    bool progress = true;  // a bar on a TTY, plain lines otherwise (util/progress.h)
    std::string label;     // shown before the bar; the URL's last component when empty
    // When set (and progress is on), the progress goes to it as one-line summaries instead
    // of a bar on stderr: `env up` shows them in the machine's status row. box::add hands
    // it on to the extraction too.
    ProgressSink progress_sink;
};

struct FetchResult {
    uint64_t bytes = 0;       // size of the complete file
    uint64_t resumed_at = 0;  // bytes already on disk that the server let us keep (0: none)
    std::string digest;       // hex digest of the whole file when a checksum type was given
};

class Downloader {
public:
    explicit Downloader(DownloadOptions opts = {});

    // Downloads url into dest. An existing dest is a partial download to resume. When
    // checksum_type is set, FetchResult::digest is the whole file's digest.
    Result<FetchResult> fetch(const std::string& url, const std::string& dest,
                              const std::string& checksum_type = "");
    // Small documents (catalogs): the body as a string.
    Result<std::string> fetch_text(const std::string& url);

private:
    DownloadOptions opts_;
};

}  // namespace env::box

#include "box/downloader.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <optional>

#include <spdlog/spdlog.h>
#include "box/checksum.h"
#include "box/interrupt.h"
#include "util/progress.h"
#include "util/sys.h"

namespace env::box {

namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

void global_init() {
    static bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
    (void)done;
}

// One attempt's state, shared with curl's callbacks.
struct Transfer {
    CURL* curl = nullptr;
    int fd = -1;
    const std::string* dest = nullptr;
    uint64_t offset = 0;          // bytes on disk (and hashed) so far
    uint64_t requested_from = 0;  // the Range we asked for
    uint64_t base = 0;            // where this response's body starts in the file
    bool first_write = true;
    bool restarted = false;      // we already started over once after a refused range
    bool restart_again = false;  // a second refusal: give up
    long http_error = 0;
    std::optional<Hasher>* hasher = nullptr;
    std::string checksum_type;
    std::optional<Error> error;
    Progress* progress = nullptr;
    std::string* sink = nullptr;  // fetch_text
};

size_t on_write(char* data, size_t size, size_t nmemb, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t n = size * nmemb;
    if (t->first_write) {
        t->first_write = false;
        long code = 0;
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 400) {
            t->http_error = code;
            return 0;
        }
        t->base = t->requested_from;
        // 200 (not 206) to a ranged request: the server sends the whole file, so the
        // partial file is dropped and this body is written from byte 0.
        if (t->requested_from > 0 && code == 200) {
            if (t->restarted) {
                t->restart_again = true;
                return 0;
            }
            t->restarted = true;
            if (::ftruncate(t->fd, 0) != 0 || ::lseek(t->fd, 0, SEEK_SET) != 0) {
                t->error = fail_errno("truncate " + *t->dest).error();
                return 0;
            }
            t->offset = 0;
            t->base = 0;
            if (t->hasher->has_value()) {
                auto h = Hasher::create(t->checksum_type);
                if (!h) {
                    t->error = h.error();
                    return 0;
                }
                *t->hasher = std::move(*h);
            }
            if (t->progress) t->progress->set_total(0);
        }
    }
    if (t->sink) {
        if (t->sink->size() + n > (64u << 20)) {
            t->error = Error(ErrorKind::Invalid, "document larger than 64 MiB");
            return 0;
        }
        t->sink->append(data, n);
        return n;
    }
    if (auto ok = sys::write_all(t->fd, std::string_view(data, n)); !ok) {
        t->error = ok.error().context("writing " + *t->dest);
        return 0;
    }
    if (t->hasher->has_value()) (*t->hasher)->update(data, n);
    t->offset += n;
    return n;
}

int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    if (interrupted()) return 1;
    if (t->progress) {
        if (dltotal > 0 && !t->first_write)
            t->progress->set_total(t->base + static_cast<uint64_t>(dltotal));
        t->progress->update(t->offset);
        (void)dlnow;
    }
    return 0;
}

std::string last_component(const std::string& url) {
    std::string u = url.substr(0, url.find_first_of("?#"));
    auto slash = u.rfind('/');
    return slash == std::string::npos ? u : u.substr(slash + 1);
}

// Errors after which resuming makes sense: the connection went away mid-body.
bool resumable(CURLcode rc) {
    return rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
           rc == CURLE_SEND_ERROR || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_HTTP2_STREAM;
}

}  // namespace

Downloader::Downloader(DownloadOptions opts) : opts_(std::move(opts)) {
    global_init();
}

static CurlHandle make_handle(const std::string& url, const DownloadOptions& o, Transfer& t) {
    CurlHandle h(curl_easy_init());
    if (!h) return h;
    CURL* c = h.get();
    t.curl = c;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o.stall_timeout_s);
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "env/0.1");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    return h;
}

static Error transfer_error(const std::string& url, CURLcode rc, const Transfer& t,
                            const DownloadOptions& o) {
    if (t.error) return *t.error;
    if (t.http_error) {
        auto kind =
            t.http_error == 404 || t.http_error == 410 ? ErrorKind::NotFound : ErrorKind::Network;
        return Error(kind, "download of " + url + " failed: HTTP " + std::to_string(t.http_error));
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK && interrupted())
        return Error(ErrorKind::Interrupted, "download of " + url + " interrupted");
    if (t.restart_again)
        return Error(ErrorKind::Network, "download of " + url +
                                             " failed: the connection dropped and the server does "
                                             "not support resuming (HTTP ranges)");
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return Error(ErrorKind::Network, "download of " + url + " timed out (no data for " +
                                             std::to_string(o.stall_timeout_s) +
                                             " s or no connection within " +
                                             std::to_string(o.connect_timeout_s) + " s)");
    return Error(ErrorKind::Network, "download of " + url + " failed: " + curl_easy_strerror(rc));
}

Result<FetchResult> Downloader::fetch(const std::string& url, const std::string& dest,
                                      const std::string& checksum_type) {
    UniqueFd fd = TRY(sys::open(dest, O_WRONLY | O_CREAT, 0644));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return fail_errno("stat " + dest);
    if (::lseek(fd.get(), 0, SEEK_END) < 0) return fail_errno("seek " + dest);

    Transfer t;
    t.fd = fd.get();
    t.dest = &dest;
    t.offset = static_cast<uint64_t>(st.st_size);
    t.checksum_type = checksum_type;
    std::optional<Hasher> hasher;
    if (!checksum_type.empty()) {
        hasher = TRY(Hasher::create(checksum_type));
        // The bytes already on disk are part of the file too.
        if (t.offset) TRY(hasher->update_file(dest, t.offset));
    }
    t.hasher = &hasher;

    std::optional<Progress> progress;
    if (opts_.progress)
        progress.emplace(opts_.label.empty() ? last_component(url) : opts_.label, 0,
                         opts_.progress_sink);
    t.progress = progress ? &*progress : nullptr;

    FetchResult res;
    res.resumed_at = t.offset;
    bool refused_416 = false;
    for (int attempt = 0;; ++attempt) {
        t.first_write = true;
        t.http_error = 0;
        t.error.reset();
        CurlHandle h = make_handle(url, opts_, t);
        if (!h) return fail(ErrorKind::Internal, "curl_easy_init failed");
        t.requested_from = t.offset;
        // CURLOPT_RANGE rather than RESUME_FROM: curl then hands us a 200 reply instead of
        // failing, and on_write starts over with that body, saving a round trip.
        std::string range = std::to_string(t.offset) + "-";
        if (t.offset) curl_easy_setopt(h.get(), CURLOPT_RANGE, range.c_str());
        CURLcode rc = curl_easy_perform(h.get());
        long code = 0;
        curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &code);
        if (rc == CURLE_OK && code >= 400) t.http_error = code;  // an error without a body
        // 416: the partial file does not fit what the server has; start over once.
        if ((t.http_error == 416 || rc == CURLE_RANGE_ERROR) && t.offset > 0 && !refused_416) {
            refused_416 = true;
            if (::ftruncate(fd.get(), 0) != 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0)
                return fail_errno("truncate " + dest);
            t.offset = 0;
            if (hasher) hasher = TRY(Hasher::create(checksum_type));
            res.resumed_at = 0;
            continue;
        }
        if (rc == CURLE_OK && !t.http_error) break;
        if (t.restarted) res.resumed_at = 0;
        bool progressed = t.offset > t.requested_from || t.restarted;
        if (resumable(rc) && !t.error && !t.http_error && !t.restart_again &&
            attempt < opts_.retries && progressed && !interrupted()) {
            spdlog::warn("download of {} dropped at {}; resuming", url,
                         Progress::human_bytes(t.offset));
            continue;
        }
        if (progress) progress->abandon();
        return std::unexpected(transfer_error(url, rc, t, opts_));
    }
    if (t.restarted) res.resumed_at = 0;
    if (progress) {
        progress->set_total(t.offset);
        progress->update(t.offset);
        progress->finish();
    }
    res.bytes = t.offset;
    if (hasher) res.digest = hasher->hex();
    return res;
}

Result<std::string> Downloader::fetch_text(const std::string& url) {
    std::string body;
    Transfer t;
    std::optional<Hasher> none;
    t.hasher = &none;
    t.sink = &body;
    CurlHandle h = make_handle(url, opts_, t);
    if (!h) return fail(ErrorKind::Internal, "curl_easy_init failed");
    CURLcode rc = curl_easy_perform(h.get());
    long code = 0;
    curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK && code >= 400) t.http_error = code;
    if (rc != CURLE_OK || t.http_error) return std::unexpected(transfer_error(url, rc, t, opts_));
    return body;
}

}  // namespace env::box

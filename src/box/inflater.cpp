#include "box/inflater.h"

#include <cerrno>

namespace env::box {

namespace {
constexpr size_t kChunk = 1 << 20;
constexpr size_t kQueued = 16;  // at most 16 MiB decompressed ahead of the writer
}  // namespace

Inflater::Inflater(std::string path) : path_(std::move(path)) {
    thread_ = std::thread([this] { run(); });
}

Inflater::~Inflater() {
    {
        std::lock_guard lk(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void Inflater::run() {
    archive* a = archive_read_new();
    auto finish = [&](std::string err) {
        if (a) archive_read_free(a);
        std::lock_guard lk(mu_);
        error_ = std::move(err);
        done_ = true;
        cv_.notify_all();
    };
    if (!a) return finish("archive_read_new failed");
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    archive_entry* e;
    if (archive_read_open_filename(a, path_.c_str(), kChunk) != ARCHIVE_OK ||
        archive_read_next_header(a, &e) != ARCHIVE_OK)
        return finish(archive_error_string(a) ? archive_error_string(a) : "empty file");
    for (;;) {
        std::string buf(kChunk, '\0');
        la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
        if (n < 0) return finish(archive_error_string(a) ? archive_error_string(a) : "read error");
        compressed_.store(static_cast<uint64_t>(archive_filter_bytes(a, -1)));
        if (n == 0) return finish("");
        buf.resize(static_cast<size_t>(n));
        std::unique_lock lk(mu_);
        cv_.wait(lk, [&] { return chunks_.size() < kQueued || stop_; });
        if (stop_) {
            lk.unlock();
            return finish("stopped");
        }
        chunks_.push_back(std::move(buf));
        cv_.notify_all();
    }
}

la_ssize_t Inflater::on_read(archive* a, void* self, const void** buf) {
    auto* z = static_cast<Inflater*>(self);
    std::unique_lock lk(z->mu_);
    z->cv_.wait(lk, [&] { return !z->chunks_.empty() || z->done_; });
    if (z->chunks_.empty()) {
        if (!z->error_.empty()) {
            archive_set_error(a, EIO, "%s", z->error_.c_str());
            return -1;
        }
        return 0;  // end of stream
    }
    z->current_ = std::move(z->chunks_.front());
    z->chunks_.pop_front();
    z->cv_.notify_all();
    *buf = z->current_.data();
    return static_cast<la_ssize_t>(z->current_.size());
}

Result<> Inflater::open(archive* reader) {
    if (archive_read_open(reader, this, nullptr, on_read, nullptr) != ARCHIVE_OK)
        return fail(ErrorKind::Invalid, "cannot read " + path_ + ": " +
                                            (archive_error_string(reader) ? archive_error_string(reader) : "?"));
    return {};
}

}  // namespace env::box

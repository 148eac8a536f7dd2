#pragma once
// Progress of one long operation (a download, an extraction). On a TTY it redraws one line
// with a bar, bytes, rate and ETA; otherwise it prints a plain line every 10% so that logs
// and CI output stay readable. Given a sink, it draws nothing: the sink gets a one-line
// summary ("downloading 45% 100.0 MiB of 222.0 MiB, 12.0 MiB/s") to show where its caller
// shows things, e.g. a machine's row during `env up`, which a bar would draw across.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace env {

struct ProgressSink {
    std::function<void(const std::string& summary)> report;
    // The consumer redraws one line in place (a live status row): a summary at most every
    // 200 ms. Otherwise it appends lines, so it gets one per 10% of a known total, as the
    // plain output does. Both also get one at the end.
    bool live = false;
    explicit operator bool() const { return static_cast<bool>(report); }
};

class Progress {
public:
    // total may be 0 when unknown; fd is where to draw (stderr by default).
    Progress(std::string label, uint64_t total, int fd = 2);
    // Summaries to sink.report instead of drawing anything; an empty sink draws on stderr.
    Progress(std::string label, uint64_t total, ProgressSink sink);
    ~Progress();
    void set_total(uint64_t total) { total_ = total; }
    void update(uint64_t done);
    void finish();
    // The operation failed: end the line without claiming "done".
    void abandon();

    // Formats 1536 as "1.5 KiB".
    static std::string human_bytes(uint64_t n);

private:
    // What every rendering shows, formatted once.
    struct Figures {
        int percent = -1;  // -1: total unknown
        std::string done, total, rate, eta;
    };
    Figures figures(bool final) const;
    void emit(bool final);
    void draw(const Figures& f, bool final);
    std::string summary(const Figures& f) const;

    std::string label_;
    uint64_t total_;
    uint64_t done_ = 0;
    int fd_ = -1;
    ProgressSink sink_;
    bool redrawn_;  // redrawn in place (a TTY, a live sink) rather than a line per 10%
    bool finished_ = false;
    int last_decile_ = -1;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace env

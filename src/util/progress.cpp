#include "util/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "util/term.h"

namespace env {

Progress::Progress(std::string label, uint64_t total, int fd)
    : label_(std::move(label)), total_(total), fd_(fd), redrawn_(term::is_tty(fd)) {
    start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::Progress(std::string label, uint64_t total, ProgressSink sink)
    : Progress(std::move(label), total, 2) {
    sink_ = std::move(sink);
    if (sink_) redrawn_ = sink_.live;
}

Progress::~Progress() {
    finish();
}

std::string Progress::human_bytes(uint64_t n) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

void Progress::update(uint64_t done) {
    done_ = done;
    auto now = std::chrono::steady_clock::now();
    if (redrawn_) {
        // A live row redraws every row of its board: a slower pace than our own bar's.
        auto pace = sink_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(100);
        if (now - last_draw_ < pace) return;
        last_draw_ = now;
        emit(false);
    } else if (total_ > 0) {
        int decile = static_cast<int>(done_ * 10 / total_);
        if (decile != last_decile_ && decile < 10) {
            last_decile_ = decile;
            emit(false);
        }
    }
}

void Progress::finish() {
    if (finished_) return;
    finished_ = true;
    emit(true);
}

void Progress::abandon() {
    if (finished_) return;
    finished_ = true;
    // A sink has no half-drawn line to end.
    if (!sink_ && redrawn_ && last_draw_ != start_) {
        [[maybe_unused]] auto n = ::write(fd_, "\n", 1);
    }
}

Progress::Figures Progress::figures(bool final) const {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double rate = secs > 0 ? done_ / secs : 0;
    Figures f;
    f.done = human_bytes(done_);
    f.rate = human_bytes(static_cast<uint64_t>(rate)) + "/s";
    if (total_) {
        f.percent = static_cast<int>(std::min<uint64_t>(done_ * 100 / total_, 100));
        f.total = human_bytes(total_);
    }
    if (!final && total_ > done_ && rate > 0) {
        int s = static_cast<int>((total_ - done_) / rate);
        f.eta = " ETA " + std::to_string(s / 60) + ":" + (s % 60 < 10 ? "0" : "") +
                std::to_string(s % 60);
    }
    return f;
}

void Progress::emit(bool final) {
    Figures f = figures(final);
    if (sink_)
        sink_.report(summary(f));
    else
        draw(f, final);
}

std::string Progress::summary(const Figures& f) const {
    std::string s = label_.empty() ? "" : label_ + " ";
    if (f.percent >= 0) s += std::to_string(f.percent) + "% ";
    s += f.done;
    if (!f.total.empty()) s += " of " + f.total;
    return s + ", " + f.rate;
}

void Progress::draw(const Figures& f, bool final) {
    std::string line;
    if (redrawn_) {
        line = "\r\x1b[K" + label_ + " ";
        if (f.percent >= 0) {
            int w = 24, filled = f.percent * w / 100;
            line += "[" + std::string(filled, '#') + std::string(w - filled, '-') + "] ";
        }
        line += f.done + (f.total.empty() ? "" : " / " + f.total) + " " + f.rate + f.eta;
        if (final) line += "\n";
    } else {
        line = label_ + ": " + f.done + (f.total.empty() ? "" : " of " + f.total) + " (" + f.rate +
               ")" + (final ? " done" : "") + "\n";
    }
    [[maybe_unused]] auto n = ::write(fd_, line.data(), line.size());
}

}  // namespace env

#include "util/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "util/term.h"

namespace env {

Progress::Progress(std::string label, uint64_t total, int fd)
    : label_(std::move(label)), total_(total), fd_(fd), tty_(term::is_tty(fd)) {
    start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { finish(); }

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
    if (tty_) {
        if (now - last_draw_ < std::chrono::milliseconds(100)) return;
        last_draw_ = now;
        draw(false);
    } else if (total_ > 0) {
        int decile = static_cast<int>(done_ * 10 / total_);
        if (decile != last_decile_ && decile < 10) {
            last_decile_ = decile;
            draw(false);
        }
    }
}

void Progress::finish() {
    if (finished_) return;
    finished_ = true;
    draw(true);
}

void Progress::abandon() {
    if (finished_) return;
    finished_ = true;
    if (tty_ && last_draw_ != start_) {
        [[maybe_unused]] auto n = ::write(fd_, "\n", 1);
    }
}

void Progress::draw(bool final) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double rate = secs > 0 ? done_ / secs : 0;
    std::string rate_s = human_bytes(static_cast<uint64_t>(rate)) + "/s";
    char line[512];
    if (tty_) {
        std::string bar;
        int pct = total_ ? static_cast<int>(done_ * 100 / total_) : 0;
        if (total_) {
            int w = 24, filled = pct * w / 100;
            bar = "[" + std::string(filled, '#') + std::string(w - filled, '-') + "] ";
        }
        std::string eta;
        if (!final && total_ && rate > 0) {
            int s = static_cast<int>((total_ - done_) / rate);
            eta = " ETA " + std::to_string(s / 60) + ":" + (s % 60 < 10 ? "0" : "") +
                  std::to_string(s % 60);
        }
        std::snprintf(line, sizeof line, "\r\x1b[K%s %s%s%s %s%s%s", label_.c_str(), bar.c_str(),
                      human_bytes(done_).c_str(), total_ ? (" / " + human_bytes(total_)).c_str() : "",
                      rate_s.c_str(), eta.c_str(), final ? "\n" : "");
    } else {
        std::snprintf(line, sizeof line, "%s: %s%s (%s)%s\n", label_.c_str(),
                      human_bytes(done_).c_str(), total_ ? (" of " + human_bytes(total_)).c_str() : "",
                      rate_s.c_str(), final ? " done" : "");
    }
    [[maybe_unused]] auto n = ::write(fd_, line, std::strlen(line));
}

}  // namespace env

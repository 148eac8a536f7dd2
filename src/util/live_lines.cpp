#include "util/live_lines.h"

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "util/sys.h"
#include "util/term.h"

namespace env {
namespace {

using Clock = std::chrono::steady_clock;

const char* state_word(RowState s) {
    switch (s) {
        case RowState::Waiting:
            return "waiting";
        case RowState::Running:
            return "working";
        case RowState::Done:
            return "done";
        case RowState::Failed:
            return "FAILED";
    }
    return "";
}

const char* state_colour(RowState s) {
    switch (s) {
        case RowState::Running:
            return "33";
        case RowState::Done:
            return "32";
        case RowState::Failed:
            return "31";
        default:
            return "2";
    }
}

class LiveLines : public StatusBoard {
public:
    LiveLines(std::vector<std::string> names, int fd) : fd_(fd) {
        for (auto& n : names) {
            name_width_ = std::max(name_width_, n.size());
            rows_.push_back({.name = std::move(n)});
        }
        ticker_ = std::jthread([this](std::stop_token st) { tick(st); });
    }
    ~LiveLines() override { close(); }

    void update(size_t row, RowState state, std::string_view text) override {
        std::lock_guard lock(mu_);
        if (closed_ || row >= rows_.size()) return;
        if (apply_update(rows_[row], state, text)) redraw();
    }
    void print(std::string_view lines, int fd) override {
        std::lock_guard lock(mu_);
        // Output to a file or pipe does not cross our rows; output to the terminal does.
        if (closed_ || (fd != fd_ && !term::is_tty(fd))) {
            (void)sys::write_all(fd, lines);
            return;
        }
        (void)sys::write_all(fd_, erase());
        (void)sys::write_all(fd, lines);
        redraw();
    }
    void close() override {
        {
            std::lock_guard lock(mu_);
            if (closed_) return;
            redraw();
            closed_ = true;
        }
        ticker_.request_stop();
        wake_.notify_all();
        if (ticker_.joinable()) ticker_.join();
    }

private:
    // Moves the cursor back to the first row and clears from there down.
    std::string erase() {
        std::string s;
        if (drawn_ > 0) s = "\r\x1b[" + std::to_string(drawn_) + "A\x1b[J";
        drawn_ = 0;
        return s;
    }
    void redraw() {
        std::string out = erase();
        int width = term::width(fd_);
        bool colour = term::color(fd_);
        auto now = Clock::now();
        for (auto& r : rows_) {
            std::string line = format_live_row(r, name_width_, r.seconds(now), width);
            // Colour only the state word, which is never cut (it comes before the step).
            if (colour) {
                auto at = line.find(state_word(r.state), name_width_);
                if (at != std::string::npos) {
                    std::string w = state_word(r.state);
                    line = line.substr(0, at) + "\x1b[" + state_colour(r.state) + "m" + w +
                           "\x1b[0m" + line.substr(at + w.size());
                }
            }
            out += "\x1b[2K" + line + "\n";
        }
        drawn_ = rows_.size();
        (void)sys::write_all(fd_, out);
    }
    void tick(std::stop_token st) {
        std::unique_lock lock(mu_);
        while (!st.stop_requested()) {
            wake_.wait_for(lock, st, std::chrono::milliseconds(250), [] { return false; });
            if (st.stop_requested() || closed_) return;
            bool busy = false;
            for (auto& r : rows_) busy |= r.state == RowState::Running;
            if (busy) redraw();
        }
    }

    std::mutex mu_;
    std::condition_variable_any wake_;
    int fd_;
    size_t name_width_ = 0;
    std::vector<BoardRow> rows_;
    size_t drawn_ = 0;
    bool closed_ = false;
    std::jthread ticker_;
};

}  // namespace

std::string format_live_row(const BoardRow& row, size_t name_width, double seconds, int width) {
    char elapsed[16] = "";
    if (row.state != RowState::Waiting) std::snprintf(elapsed, sizeof elapsed, "%5.1fs", seconds);
    std::string text = row.text.substr(0, row.text.find('\n'));
    char head[64];
    std::snprintf(head, sizeof head, "  %6s  %-7s  ", elapsed, state_word(row.state));
    std::string line = row.name +
                       std::string(name_width - std::min(name_width, row.name.size()), ' ') + head +
                       text;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    // One column spare: writing the last column makes some terminals wrap at once.
    size_t max = width > 1 ? static_cast<size_t>(width - 1) : 1;
    if (line.size() > max) line = line.substr(0, max > 3 ? max - 3 : max) + (max > 3 ? "..." : "");
    return line;
}

std::unique_ptr<StatusBoard> make_live_lines(std::vector<std::string> names, int fd) {
    return std::make_unique<LiveLines>(std::move(names), fd);
}

}  // namespace env

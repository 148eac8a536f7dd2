#include "util/status_board.h"

#include <cstdio>
#include <cstdlib>

#include "util/live_lines.h"
#include "util/sys.h"
#include "util/term.h"

namespace env {
namespace {

using Clock = std::chrono::steady_clock;

class PlainBoard : public StatusBoard {
public:
    PlainBoard(std::vector<std::string> names, int fd) : fd_(fd) {
        for (auto& n : names) rows_.push_back({.name = std::move(n)});
    }
    void update(size_t row, RowState state, std::string_view text) override {
        std::lock_guard lock(mu_);
        if (row >= rows_.size()) return;
        BoardRow& r = rows_[row];
        if (!apply_update(r, state, text) || state == RowState::Waiting || r.text.empty()) return;
        std::string line = r.name + ": ";
        // A failure's whole message comes in the command's summary; its first line here.
        if (state == RowState::Failed) line += "failed: ";
        line += r.text.substr(0, r.text.find('\n'));
        if (state != RowState::Running) line += elapsed_suffix(r.seconds(Clock::now()));
        // Output is best effort: a closed stderr must not fail the machines.
        (void)sys::write_all(fd_, line + "\n");
    }
    void print(std::string_view lines, int fd) override {
        std::lock_guard lock(mu_);
        (void)sys::write_all(fd, lines);
    }
    void close() override {}

private:
    std::mutex mu_;
    int fd_;
    std::vector<BoardRow> rows_;
};

}  // namespace

double BoardRow::seconds(Clock::time_point now) const {
    if (state == RowState::Waiting) return 0;
    auto end = state == RowState::Running ? now : ended;
    return std::chrono::duration<double>(end - started).count();
}

bool apply_update(BoardRow& row, RowState state, std::string_view text) {
    if (row.state == state && row.text == text) return false;
    auto now = Clock::now();
    if (row.state == RowState::Waiting && state != RowState::Waiting) row.started = now;
    if (state == RowState::Done || state == RowState::Failed) row.ended = now;
    row.state = state;
    row.text = std::string(text);
    return true;
}

std::string elapsed_suffix(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " [%.1f s]", seconds);
    return buf;
}

std::unique_ptr<StatusBoard> make_plain_board(std::vector<std::string> names, int fd) {
    return std::make_unique<PlainBoard>(std::move(names), fd);
}

bool status_board_is_live(size_t rows, int fd) {
    // Rows that scroll off the screen cannot be redrawn, nor can a dumb terminal move the
    // cursor: plain lines then.
    const char* t = std::getenv("TERM");
    bool dumb = t && std::string_view(t) == "dumb";
    return term::is_tty(fd) && !dumb && static_cast<int>(rows) < term::height(fd);
}

std::unique_ptr<StatusBoard> make_status_board(std::vector<std::string> names, int fd) {
    if (status_board_is_live(names.size(), fd)) return make_live_lines(std::move(names), fd);
    return make_plain_board(std::move(names), fd);
}

}  // namespace env

#pragma once
// How a command acting on several machines shows them: one row per machine with its state,
// its current step and how long it has taken. On a terminal the rows are redrawn in place
// (live_lines.h); otherwise every change is one plain "web1: ..." line, so that logs and CI
// output stay readable and greppable. Every method may be called from any thread.
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace env {

enum class RowState { Waiting, Running, Done, Failed };

class StatusBoard {
public:
    virtual ~StatusBoard() = default;
    // Row `row` is now in `state`, doing `text`: a step ("waiting for SSH") while Running,
    // the outcome ("running", "halted", the error) once Done or Failed.
    virtual void update(size_t row, RowState state, std::string_view text) = 0;
    // Output of a machine (whole lines, already prefixed with its name) for fd 1 or 2.
    virtual void print(std::string_view lines, int fd) = 0;
    // Draws the rows one last time; later calls draw nothing.
    virtual void close() = 0;
};

// "web1: waiting for SSH", "web1: running [1.2 s]", "web1: failed: ... [0.4 s]" on fd.
std::unique_ptr<StatusBoard> make_plain_board(std::vector<std::string> names, int fd);
// Live rows when fd is a terminal tall enough to show them all, plain lines otherwise.
std::unique_ptr<StatusBoard> make_status_board(std::vector<std::string> names, int fd = 2);
// The choice make_status_board makes for that many rows on fd: true for live rows.
bool status_board_is_live(size_t rows, int fd = 2);

// What both renderers keep per row; elapsed runs from the first Running to Done/Failed.
struct BoardRow {
    std::string name;
    RowState state = RowState::Waiting;
    std::string text;
    std::chrono::steady_clock::time_point started, ended;
    double seconds(std::chrono::steady_clock::time_point now) const;
};

// Applies an update to a row (stamps start and end times); false when nothing changed.
bool apply_update(BoardRow& row, RowState state, std::string_view text);
// " [1.2 s]": the elapsed suffix both renderers print.
std::string elapsed_suffix(double seconds);

}  // namespace env

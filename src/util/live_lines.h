#pragma once
// The terminal renderer of a StatusBoard: one line per machine (name, elapsed time, state,
// current step), redrawn in place with ANSI cursor movement whenever a row changes and a few
// times a second so that the elapsed times tick. Output printed meanwhile (provisioning
// lines) appears above the rows, which are drawn again below it. Lines are cut to the
// terminal width: a wrapped line would break the cursor arithmetic.
#include <memory>
#include <string>
#include <vector>

#include "util/status_board.h"

namespace env {

std::unique_ptr<StatusBoard> make_live_lines(std::vector<std::string> names, int fd);

// One row as drawn (without colour), cut to `width` columns; exposed for tests.
std::string format_live_row(const BoardRow& row, size_t name_width, double seconds, int width);

}  // namespace env

#pragma once
// What the terminal can show: colour (off with --no-color, NO_COLOR or a non-TTY) and width.
#include <string>
#include <string_view>

namespace env::term {

void set_color(bool enabled);
bool color(int fd = 1);
bool is_tty(int fd);
int width(int fd = 2);
// Rows of the terminal on fd (24 when it cannot be asked).
int height(int fd = 2);
// Wraps text in an SGR colour when colour is on: paint("31", "error").
std::string paint(std::string_view sgr, std::string_view text, int fd = 1);

}  // namespace env::term

#pragma once
// Turns a byte stream arriving in arbitrary chunks into whole lines, each written with a
// prefix ("web1: ") as soon as its newline arrives, so the output of several machines never
// interleaves inside a line. The last lines of everything seen are kept for error messages.
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "provisioners/console.h"

namespace env::provisioners {

// The last `max` lines of a command's combined stdout and stderr.
class LineTail {
public:
    explicit LineTail(size_t max = 10) : max_(max) {}
    void add(std::string_view line);
    const std::deque<std::string>& lines() const { return lines_; }
    // The lines indented by two spaces, one per line, no trailing newline.
    std::string indented() const;

private:
    size_t max_;
    std::deque<std::string> lines_;
};

class LinePrefixer {
public:
    LinePrefixer(std::string prefix, Console::Sink sink, LineTail* tail = nullptr)
        : prefix_(std::move(prefix)), sink_(std::move(sink)), tail_(tail) {}
    void feed(std::string_view data);
    // Emits a last line that has no newline (the command ended without one).
    void finish();

private:
    void emit(std::string_view line);

    std::string prefix_;
    Console::Sink sink_;
    LineTail* tail_;
    std::string partial_;
};

}  // namespace env::provisioners

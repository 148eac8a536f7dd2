#include "provisioners/line_prefixer.h"

namespace env::provisioners {
namespace {
// A "line" that never ends (a progress bar without newlines, binary output) is flushed at
// this size so memory stays bounded and the user still sees it.
constexpr size_t max_partial = 64 * 1024;
// Lines longer than this are cut in the error message's tail; the live output is complete.
constexpr size_t max_tail_line = 300;
}  // namespace

void LineTail::add(std::string_view line) {
    if (max_ == 0) return;
    if (line.size() > max_tail_line) line = line.substr(0, max_tail_line);
    lines_.emplace_back(line);
    while (lines_.size() > max_) lines_.pop_front();
}

std::string LineTail::indented() const {
    std::string s;
    for (auto& l : lines_) s += (s.empty() ? "  " : "\n  ") + l;
    return s;
}

void LinePrefixer::feed(std::string_view data) {
    while (!data.empty()) {
        auto nl = data.find('\n');
        if (nl == std::string_view::npos) {
            partial_.append(data);
            if (partial_.size() >= max_partial) finish();
            return;
        }
        if (partial_.empty()) {
            emit(data.substr(0, nl));
        } else {
            partial_.append(data.substr(0, nl));
            emit(partial_);
            partial_.clear();
        }
        data.remove_prefix(nl + 1);
    }
}

void LinePrefixer::finish() {
    if (partial_.empty()) return;
    std::string line = std::move(partial_);
    partial_.clear();
    emit(line);
}

void LinePrefixer::emit(std::string_view line) {
    // CRLF from tools that assume a terminal: the CR would move our prefix off screen.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (tail_) tail_->add(line);
    if (sink_) sink_(prefix_ + std::string(line) + "\n");
}

}  // namespace env::provisioners

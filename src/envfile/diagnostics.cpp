#include "envfile/diagnostics.h"

#include <algorithm>

namespace env::envfile {

namespace {

// A message quotes keys and values from the file, which may hold anything. One problem per
// line, and nothing that a terminal would act on: newlines and tabs as \n \r \t, other
// control bytes (ESC, DEL, ...) as \xNN.
std::string printable(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (u < 0x20 || u == 0x7f)
            out += {'\\', 'x', hex[u >> 4], hex[u & 15]};
        else
            out += c;
    }
    return out;
}

// A message that quotes a huge value keeps its head (what is wrong) and its tail (the hint
// that follows the value); the middle goes.
std::string shortened(std::string s) {
    if (s.size() <= max_message_bytes) return s;
    constexpr size_t keep = max_message_bytes / 2 - 16;
    std::string cut = " [... " + std::to_string(s.size() - 2 * keep) + " bytes cut ...] ";
    return s.substr(0, keep) + cut + s.substr(s.size() - keep);
}

}  // namespace

void Diagnostics::error(Mark at, std::string message) {
    message = shortened(printable(message));
    // The same problem found once per loop iteration is reported once; a set keeps that
    // linear in the number of problems.
    std::string key = std::to_string(at.line) + ':' + std::to_string(at.col) + ':' + message;
    if (!seen_.insert(std::move(key)).second) return;
    if (items_.size() >= max_problems) {
        ++dropped_;
        return;
    }
    items_.push_back({at, std::move(message)});
}

Error Diagnostics::to_error() const {
    auto sorted = items_;
    // Stable: two problems on one node keep the order in which they were found.
    std::stable_sort(sorted.begin(), sorted.end(), [](const Item& a, const Item& b) {
        return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.col < b.at.col;
    });
    std::string out;
    for (auto& i : sorted) {
        if (!out.empty()) out += '\n';
        out += path_ + ':' + std::to_string(i.at.line) + ':' + std::to_string(i.at.col) + ": " +
               i.message;
    }
    if (dropped_)
        out += '\n' + path_ + ": " + std::to_string(dropped_) +
               " more problems not shown (the first " + std::to_string(max_problems) + " are)";
    return Error(ErrorKind::Invalid, out);
}

}  // namespace env::envfile

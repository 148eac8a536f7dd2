#include "envfile/diagnostics.h"

#include <algorithm>

namespace env::envfile {

namespace {

// One problem per line: a multi-line key or value quoted in a message must not split it.
std::string one_line(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (static_cast<unsigned char>(c) < 0x20)
            out += '?';
        else
            out += c;
    }
    return out;
}

}  // namespace

void Diagnostics::error(Mark at, std::string message) {
    if (message.find_first_of("\n\r\t") != std::string::npos) message = one_line(message);
    for (auto& i : items_)
        if (i.at.line == at.line && i.at.col == at.col && i.message == message) return;
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
    return Error(ErrorKind::Invalid, out);
}

}  // namespace env::envfile

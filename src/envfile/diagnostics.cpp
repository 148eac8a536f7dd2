#include "envfile/diagnostics.h"

#include <algorithm>

namespace env::envfile {

void Diagnostics::error(Mark at, std::string message) {
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

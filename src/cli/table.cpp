#include "cli/table.h"

#include <algorithm>

#include "util/term.h"

namespace env::cli {

std::string Table::render() const {
    std::vector<size_t> width;
    for (auto& r : rows_)
        for (size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    std::string out;
    for (size_t n = 0; n < rows_.size(); ++n) {
        std::string line;
        for (size_t i = 0; i < rows_[n].size(); ++i) {
            std::string cell = rows_[n][i];
            if (i + 1 < rows_[n].size()) cell.resize(width[i] + 2, ' ');
            line += cell;
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += (n == 0 ? term::paint("1", line) : line) + "\n";
    }
    return out;
}

}  // namespace env::cli

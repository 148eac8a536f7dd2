#pragma once
// Plain aligned columns for listing commands (status, global-status, box list).
#include <string>
#include <vector>

namespace env::cli {

class Table {
public:
    explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    // Header bold when colour is on; columns padded to the widest cell.
    std::string render() const;

private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace env::cli

#pragma once
// Collects every problem found in an Envfile so that one run reports all of them, each as
// "PATH:LINE:COL: message", sorted into file order. The same problem found once per loop
// iteration (an unknown key in a looped machine) is reported once.
#include <string>
#include <unordered_set>
#include <vector>

#include "envfile/model.h"
#include "util/error.h"

namespace env::envfile {

// Messages longer than this are cut in the middle; problems past max_problems are counted,
// not listed (a 10 MB file of mistakes must not produce a 10 MB report).
inline constexpr size_t max_message_bytes = 400;
inline constexpr size_t max_problems = 200;

class Diagnostics {
public:
    explicit Diagnostics(std::string path) : path_(std::move(path)) {}

    void error(Mark at, std::string message);
    bool empty() const { return items_.empty(); }
    size_t size() const { return items_.size() + dropped_; }

    // All problems, in file order, one per line; ErrorKind::Invalid.
    Error to_error() const;

private:
    struct Item {
        Mark at;
        std::string message;
    };
    std::string path_;
    std::vector<Item> items_;
    std::unordered_set<std::string> seen_;
    size_t dropped_ = 0;
};

}  // namespace env::envfile

#pragma once
// Collects every problem found in an Envfile so that one run reports all of them, each as
// "PATH:LINE:COL: message", sorted into file order. The same problem found once per loop
// iteration (an unknown key in a looped machine) is reported once.
#include <string>
#include <vector>

#include "envfile/model.h"
#include "util/error.h"

namespace env::envfile {

class Diagnostics {
public:
    explicit Diagnostics(std::string path) : path_(std::move(path)) {}

    void error(Mark at, std::string message);
    bool empty() const { return items_.empty(); }
    size_t size() const { return items_.size(); }

    // All problems, in file order, one per line; ErrorKind::Invalid.
    Error to_error() const;

private:
    struct Item {
        Mark at;
        std::string message;
    };
    std::string path_;
    std::vector<Item> items_;
};

}  // namespace env::envfile

#pragma once
// Entry point of the envfile module: read, parse, expand loops, validate.
#include <string>

#include "envfile/model.h"
#include "util/error.h"

namespace env::envfile {

// Loads the Envfile at path. On failure the Error's kind is Invalid and its message holds
// every problem found, one per line, each "PATH:LINE:COL: message", in file order.
// Nothing on disk is touched.
Result<Envfile> load(const std::string& path);

// Same, from text already in memory; path is used for messages and relative paths.
Result<Envfile> load_string(const std::string& text, const std::string& path);

}  // namespace env::envfile

#pragma once
// Entry point of the envfile module: read, parse, expand loops, validate.
#include <string>

#include "envfile/model.h"
#include "util/error.h"

namespace env::envfile {

// The largest Envfile read. A large lab is a few KB; anything near this is a mistake (a
// symlink to a log, /dev/zero) and is refused before a byte is parsed.
inline constexpr size_t max_envfile_bytes = 1 << 20;

// Loads the Envfile at path. On failure the Error's kind is Invalid and its message holds
// every problem found, one per line, each "PATH:LINE:COL: message", in file order.
// Nothing on disk is touched. Only a regular file (a symlink to one is fine) of at most
// max_envfile_bytes is read: a FIFO or a device is refused without blocking.
Result<Envfile> load(const std::string& path);

// Same, from text already in memory; path is used for messages and relative paths.
Result<Envfile> load_string(const std::string& text, const std::string& path);

}  // namespace env::envfile

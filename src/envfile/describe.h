#pragma once
// What the CLI shows of a loaded Envfile: `env validate` / `env config` in text and JSON.
#include <nlohmann/json.hpp>
#include <string>

#include "envfile/model.h"

namespace env::envfile {

// One line per machine, columns aligned:
//   web1  debian-12  container  1 cpu   512M  lab 192.168.56.11  127.0.0.1:8080->80/tcp
std::string describe(const Envfile& e);

// "512M", "2G", "1536M": sizes as a user would write them.
std::string format_size(uint64_t bytes);

// Everything the structs hold, for --json (machines in order, networks by name).
nlohmann::json to_json(const Envfile& e);

}  // namespace env::envfile

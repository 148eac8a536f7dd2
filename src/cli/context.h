#pragma once
// What every command gets: the global flags, and the project (Envfile + state) loaded on
// first use so that commands which need no Envfile (version, box, global-status) never
// touch one.
#include <memory>
#include <optional>
#include <string>

#include "core/project.h"
#include "util/error.h"

namespace env::cli {

struct GlobalOptions {
    std::string file;  // -f/--file; else $ENVFILE; else the nearest Envfile upwards
    bool debug = false;
    bool json = false;
    bool no_color = false;
};

class Context {
public:
    GlobalOptions global;
    std::string command_line;  // "env up web1": recorded in locks so others see who holds them

    // Finds, parses and validates the Envfile once; later calls return the same project.
    Result<core::Project*> project();

private:
    std::unique_ptr<core::Project> project_;
};

}  // namespace env::cli

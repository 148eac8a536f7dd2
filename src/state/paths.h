#pragma once
// Where user-level data lives (DESIGN.md, "State").
#include <string>

namespace env::state {

// $ENV_HOME, else $XDG_DATA_HOME/env, else ~/.local/share/env. Not created here.
std::string env_home();
// env_home() + "/boxes": the box catalog store.
std::string boxes_dir();
// env_home() + "/index.json": every machine of every project, behind `env global-status`.
std::string index_path();

}  // namespace env::state

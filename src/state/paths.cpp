#include "state/paths.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace env::state {

std::string env_home() {
    if (const char* e = std::getenv("ENV_HOME"); e && *e) return e;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/env";
    const char* home = std::getenv("HOME");
    std::string h = home && *home ? home : "";
    if (h.empty()) {
        if (struct passwd* pw = ::getpwuid(::getuid())) h = pw->pw_dir;
    }
    return h + "/.local/share/env";
}

std::string boxes_dir() {
    return env_home() + "/boxes";
}
std::string index_path() {
    return env_home() + "/index.json";
}

}  // namespace env::state

#include "cli/passthrough.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace env::cli {

bool is_our_command(int argc, char** argv, const std::vector<std::string>& commands) {
    if (argc < 2) return false;
    for (auto& c : commands)
        if (c == argv[1]) return true;
    return false;
}

int exec_coreutils_env(char** argv) {
    struct stat self {};
    bool have_self = ::stat("/proc/self/exe", &self) == 0;
    for (const char* path : {"/usr/bin/env", "/bin/env"}) {
        struct stat st {};
        if (::stat(path, &st) != 0) continue;
        // Never exec ourselves: that would loop if we were installed as /usr/bin/env.
        if (have_self && st.st_dev == self.st_dev && st.st_ino == self.st_ino) continue;
        ::execv(path, argv);
        std::fprintf(stderr, "env: cannot run %s: %s\n", path, std::strerror(errno));
        return 125;
    }
    std::fprintf(stderr,
                 "env: '%s' is not an env command, and coreutils env was not found to run it "
                 "(see `env help`)\n",
                 argv[1] ? argv[1] : "");
    return 125;
}

}  // namespace env::cli

#pragma once
// Helpers shared by tests: temporary directories that clean themselves up, running a
// command and capturing its output and status, capturing this process's stderr. Skipping
// with a reason is in skip.h, which every test file sees (tests/CMakeLists.txt).
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

#include "skip.h"
#include "util/sys.h"

namespace env::test {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/env-test-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { (void)sys::remove_tree(path); }
    TempDir(const TempDir&) = delete;
    std::string operator/(const std::string& rel) const { return path + "/" + rel; }
};

struct RunResult {
    int status = -1;  // exit status, or 128+signal
    std::string out;  // stdout only; stderr goes to err
    std::string err;
};

// Runs a shell command line; stdout and stderr captured separately.
inline RunResult run(const std::string& cmd) {
    TempDir t;
    std::string full = "(" + cmd + ") >" + t.path + "/out 2>" + t.path + "/err </dev/null";
    int raw = ::system(full.c_str());
    RunResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    r.out = sys::read_file(t.path + "/out").value_or("");
    r.err = sys::read_file(t.path + "/err").value_or("");
    return r;
}

// While it lives, fd 2 goes to a file: what code under test writes on stderr is read back
// with text() (after restore(), or at any time).
struct CapturedStderr {
    std::string path;
    int saved = -1;
    CapturedStderr() {
        char tmpl[] = "/tmp/env-test-stderr-XXXXXX";
        int fd = ::mkstemp(tmpl);
        path = tmpl;
        saved = ::dup(2);
        ::dup2(fd, 2);
        ::close(fd);
    }
    ~CapturedStderr() {
        restore();
        ::unlink(path.c_str());
    }
    CapturedStderr(const CapturedStderr&) = delete;
    void restore() {
        if (saved < 0) return;
        ::dup2(saved, 2);
        ::close(saved);
        saved = -1;
    }
    std::string text() const { return sys::read_file(path).value_or(""); }
};

inline std::string env_binary() {
    return std::string(ENV_BINARY_DIR) + "/env";
}

}  // namespace env::test

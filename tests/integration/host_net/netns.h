#pragma once
// Runs a test body in a forked child inside a fresh network namespace, so host-network
// tests never touch the host's links and nothing they create outlives them.
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include "test_support.h"

namespace env::test {

// body returns "" on success, else what went wrong (printed by the child).
inline bool in_new_netns(const std::function<std::string()>& body) {
    if (::geteuid() != 0) {
        ENV_MARK_SKIPPED("network namespaces need root");
        return true;
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        if (::unshare(CLONE_NEWNET) != 0) ::_exit(2);
        std::string err = body();
        if (!err.empty()) std::fprintf(stderr, "%s\n", err.c_str());
        ::_exit(err.empty() ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace env::test

#define EXPECT_OK(expr)                                              \
    do {                                                             \
        auto r_ = (expr);                                            \
        if (!r_) return std::string(#expr ": ") + r_.error().what(); \
    } while (0)

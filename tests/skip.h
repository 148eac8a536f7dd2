#pragma once
// Skipping a test that cannot run here, with its reason. Every test file sees this header
// without including it (env_test in tests/CMakeLists.txt puts it first in each one).
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

// A test that cannot run here ends with ENV_SKIP("why" << detail): the reason shows as a
// warning, and ctest counts the test as skipped, not passed (the run exits with
// SKIP_RETURN_CODE, tests/CMakeLists.txt). It is honoured only when no assertion of the test
// case failed, before or after it (catch_main.cpp), so a skip never hides a failure.
#define ENV_SKIP(why)          \
    do {                       \
        ENV_MARK_SKIPPED(why); \
        return;                \
    } while (0)

// The same without the return, for a helper that reports "nothing to do" to its caller.
#define ENV_MARK_SKIPPED(why)                        \
    do {                                             \
        std::ostringstream env_skip_reason_;         \
        env_skip_reason_ << why;                     \
        WARN("skipped: " << env_skip_reason_.str()); \
        ::env_skip::record(env_skip_reason_.str());  \
    } while (0)

// Not in env::test: this header is in every test file, and a second `test` namespace next
// to a file's own (env::kvm::test, env::net::test) would make `test::` ambiguous there.
namespace env_skip {

// ctest's SKIP_RETURN_CODE: a test binary whose test cases skipped and failed nothing exits
// with it (catch_main.cpp).
inline constexpr int kSkippedExit = 77;

// Notes that the running test case skipped (defined with main(), in catch_main.cpp).
void record(const std::string& reason);

}  // namespace env_skip

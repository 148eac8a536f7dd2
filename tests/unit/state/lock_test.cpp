#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "state/lock.h"
#include "test_support.h"

using namespace env;

TEST_CASE("a second process is refused the lock at once and told who holds it", "[core]") {
    test::TempDir t;
    std::string path = t / "machines/web1/lock";
    auto held = state::MachineLock::acquire(path, "machine 'web1'", "env up web1", false);
    REQUIRE(held);
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    pid_t child = ::fork();
    if (child == 0) {
        auto r = state::MachineLock::acquire(path, "machine 'web1'", "env halt web1", false);
        std::string msg = r ? "acquired" : r.error().message();
        (void)!::write(pipefd[1], msg.data(), msg.size());
        ::_exit(r ? 0 : r.error().exit_code());
    }
    ::close(pipefd[1]);
    std::string msg = sys::read_all(pipefd[0]).value();
    ::close(pipefd[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WEXITSTATUS(status) == exit_code::busy);
    CHECK(msg == "machine 'web1' is busy: locked by pid " + std::to_string(::getpid()) +
                     " (env up web1) (retry with --wait to wait for it)");
}

TEST_CASE("with --wait the second process blocks until the holder lets go", "[core]") {
    test::TempDir t;
    std::string path = t / "lock";
    auto held = state::MachineLock::acquire(path, "m", "env up", false);
    REQUIRE(held);
    auto start = std::chrono::steady_clock::now();
    pid_t child = ::fork();
    if (child == 0) {
        // flock belongs to the open file description, which fork shares: drop the
        // inherited one or the child would wait for itself.
        ::close_range(3, ~0u, 0);
        auto r = state::MachineLock::acquire(path, "m", "env halt", true);
        ::_exit(r ? 0 : 1);
    }
    ::usleep(300000);
    int status = 0;
    CHECK(::waitpid(child, &status, WNOHANG) == 0);  // still waiting
    { auto gone = std::move(*held); }                 // release
    held = std::unexpected(Error(ErrorKind::Internal, "released"));
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300));
}

TEST_CASE("a lock whose holder died is free again", "[core]") {
    test::TempDir t;
    std::string path = t / "lock";
    pid_t child = ::fork();
    if (child == 0) {
        auto r = state::MachineLock::acquire(path, "m", "env up", false);
        ::_exit(r ? 0 : 1);  // exits without releasing: the kernel drops the flock
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(state::MachineLock::acquire(path, "m", "env up", false));
}

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "providers/container/machine_files.h"
#include "temp_dir.h"
#include "util/sys.h"

using namespace env;
using namespace env::container;

namespace {
// A child that creates the pid file and then either waits to be killed or removes it.
pid_t child_with_pid_file(const std::string& path, bool remove_then_exit, int ready_fd) {
    pid_t p = ::fork();
    if (p == 0) {
        auto f = PidFile::create(path, {::getpid(), 42});
        if (!f) ::_exit(1);
        if (remove_then_exit) {
            f->remove();
            ::_exit(0);
        }
        (void)!::write(ready_fd, "x", 1);
        ::pause();
        ::_exit(0);
    }
    return p;
}
}  // namespace

TEST_CASE("no pid file means no supervisor", "[container]") {
    test::TempDir t;
    CHECK(probe_supervisor(t.path + "/supervisor.pid") == SupervisorLiveness::Absent);
}

TEST_CASE("a living supervisor's pid file is locked, and after kill -9 it is seen dead",
          "[container]") {
    test::TempDir t;
    std::string path = t.path + "/supervisor.pid";
    int p[2];
    REQUIRE(::pipe(p) == 0);
    pid_t child = child_with_pid_file(path, false, p[1]);
    char c;
    REQUIRE(::read(p[0], &c, 1) == 1);
    SupervisorPids pids;
    CHECK(probe_supervisor(path, &pids) == SupervisorLiveness::Alive);
    CHECK(pids.supervisor == child);
    CHECK(pids.init == 42);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    CHECK(probe_supervisor(path) == SupervisorLiveness::Dead);
    ::close(p[0]);
    ::close(p[1]);
}

TEST_CASE("a supervisor that exits cleanly leaves no pid file", "[container]") {
    test::TempDir t;
    std::string path = t.path + "/supervisor.pid";
    pid_t child = child_with_pid_file(path, true, -1);
    int status;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(probe_supervisor(path) == SupervisorLiveness::Absent);
    CHECK_FALSE(sys::exists(path));
}

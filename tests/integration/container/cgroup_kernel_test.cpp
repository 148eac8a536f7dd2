// The cgroup implementations against the kernel: v1 on hosts with v1 controllers, v2 on
// whatever unified hierarchy is mounted (on hybrid hosts it carries no controllers, which
// still exercises creating, joining, listing, killing and removing).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "host/cgroup.h"
#include "util/sys.h"

using namespace env;
using namespace env::host;

namespace {

std::string unified_mount() {
    std::istringstream in(sys::read_file("/proc/self/mountinfo").value_or(""));
    std::string line;
    while (std::getline(in, line)) {
        auto sep = line.find(" - cgroup2 ");
        if (sep == std::string::npos) continue;
        std::istringstream f(line);
        std::string id, parent, dev, root, point;
        f >> id >> parent >> dev >> root >> point;
        return point;
    }
    return "";
}

void exercise(Cgroup& cg) {
    REQUIRE(cg.create(CgroupLimits{"", -1, 100000, 32ull << 20, 64}));
    REQUIRE(cg.exists());
    pid_t child = ::fork();
    if (child == 0) {
        ::pause();
        ::_exit(0);
    }
    REQUIRE(cg.add(child));
    auto procs = cg.procs().value();
    CHECK(procs == std::vector<pid_t>{child});
    REQUIRE(cg.remove());  // kills the child
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    CHECK_FALSE(cg.exists());
    for (auto& p : cg.paths()) CHECK_FALSE(sys::exists(p));
    REQUIRE(cg.remove());  // idempotent
}

}  // namespace

TEST_CASE("the host's cgroup takes a process, reports it, kills it and disappears",
          "[root][container]") {
    if (::geteuid() != 0) {
        WARN("skipped: creating cgroups needs root");
        return;
    }
    auto cg = open_host_cgroup("env-test-" + std::to_string(::getpid()));
    REQUIRE(cg);
    exercise(**cg);
}

TEST_CASE("a cgroup v2 hierarchy takes a process, reports it, kills it and disappears",
          "[root][container]") {
    if (::geteuid() != 0) {
        WARN("skipped: creating cgroups needs root");
        return;
    }
    std::string root = unified_mount();
    if (root.empty()) {
        WARN("skipped: no cgroup2 filesystem is mounted here");
        return;
    }
    auto cg = make_cgroup_v2(root, "env-test2-" + std::to_string(::getpid()));
    exercise(*cg);
}

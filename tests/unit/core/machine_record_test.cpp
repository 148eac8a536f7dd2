// A machine's directory holds its writable layer: only root may enter it (issue 14: a
// setuid-root file made inside a machine was runnable by any host user through it).
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "core/machine_record.h"
#include "test_support.h"

using namespace env;

namespace {
mode_t mode_of(const std::string& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("a machine's directory and the machines directory are 0700") {
    env::test::TempDir d;
    std::string machine = d / ".envstate/machines/web1";
    core::MachineRecord r;
    r.provider = "container";
    REQUIRE(core::save_record(machine, r));
    CHECK(mode_of(machine) == 0700);
    CHECK(mode_of(d / ".envstate/machines") == 0700);

    // A directory an older env made 0755 is tightened on the next save.
    REQUIRE(::chmod(machine.c_str(), 0755) == 0);
    REQUIRE(::chmod((d / ".envstate/machines").c_str(), 0755) == 0);
    REQUIRE(core::save_record(machine, r));
    CHECK(mode_of(machine) == 0700);
    CHECK(mode_of(d / ".envstate/machines") == 0700);
}

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "providers/container/seed_files.h"
#include "temp_dir.h"
#include "util/sys.h"

using namespace env;
using namespace env::container;

TEST_CASE("seed files land in the upper layer, owned by the box user, with home and .ssh made",
          "[container][root]") {
    if (::geteuid() != 0) {
        ENV_SKIP("setting file owners needs root");
    }
    test::TempDir t;
    std::string lower = t.path + "/lower", upper = t.path + "/upper";
    REQUIRE(sys::make_dirs(lower + "/etc"));
    REQUIRE(sys::make_dirs(lower + "/home"));
    ::chmod((lower + "/home").c_str(), 0751);
    REQUIRE(sys::make_dirs(upper));
    REQUIRE(sys::write_file_atomic(
        lower + "/etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\nenv:x:1000:1001::/home/env:/bin/sh\n"));
    REQUIRE(write_seed_files(
        lower, upper,
        {{"/home/env/.ssh/authorized_keys", "ssh-ed25519 AAAA test\n", 0600, "env"}}));
    struct stat st;
    REQUIRE(::stat((upper + "/home/env/.ssh/authorized_keys").c_str(), &st) == 0);
    CHECK(st.st_uid == 1000);
    CHECK(st.st_gid == 1001);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat((upper + "/home/env/.ssh").c_str(), &st) == 0);
    CHECK(st.st_uid == 1000);
    CHECK((st.st_mode & 0777) == 0700);
    REQUIRE(::stat((upper + "/home").c_str(), &st) == 0);
    CHECK(st.st_uid == 0);
    CHECK((st.st_mode & 0777) == 0751);  // copied from the box, not invented
    CHECK(sys::read_file(upper + "/home/env/.ssh/authorized_keys").value() ==
          "ssh-ed25519 AAAA test\n");
    CHECK_FALSE(sys::exists(lower + "/home/env"));  // the box is untouched
}

TEST_CASE("seeding refuses unknown users and paths through box symlinks", "[container]") {
    test::TempDir t;
    std::string lower = t.path + "/lower", upper = t.path + "/upper";
    REQUIRE(sys::make_dirs(lower + "/etc"));
    REQUIRE(sys::make_dirs(upper));
    REQUIRE(sys::write_file_atomic(lower + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"));
    CHECK_FALSE(write_seed_files(lower, upper, {{"/home/nobody/x", "", 0600, "nobody"}}));
    REQUIRE(::symlink("/tmp", (lower + "/lnk").c_str()) == 0);
    CHECK_FALSE(write_seed_files(lower, upper, {{"/lnk/x", "", 0600, ""}}));
    CHECK_FALSE(sys::exists(upper + "/lnk"));
}

// Builds the busybox test box with its recipe (seconds) and adds it from the catalog the
// recipe wrote, as CI does on every run.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "box/add.h"
#include "box/manage.h"
#include "tests/integration/box/box_fixture.h"

using namespace env::box;
using namespace env::box::test;

TEST_CASE("the busybox recipe builds a box that adds from its catalog", "[box][recipe]") {
    if (std::system("dpkg-query -W busybox-static dropbear-bin >/dev/null 2>&1") != 0) {
        ENV_SKIP("the recipe needs `apt-get install -y busybox-static dropbear-bin`");
    }
    EnvHome home;
    TempDir out;
    std::string cmd =
        std::string(ENV_SOURCE_DIR) + "/boxes/busybox/build.sh " + out.path() + " >/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    Store store = Store::user();
    DownloadOptions quiet;
    quiet.progress = false;
    auto b =
        add(store, {.name = "busybox", .source = out.path() + "/busybox.json", .download = quiet});
    REQUIRE(b);
    CHECK(b->version == "1.0.0");
    CHECK(b->metadata.provider == "container");
    CHECK(b->metadata.user == "root");
    std::string root = b->dir + "/rootfs";
    char target[256] = {};
    REQUIRE(::readlink((root + "/usr/bin/sh").c_str(), target, sizeof target - 1) > 0);
    CHECK(std::string(target) == "/usr/bin/busybox");  // absolute, resolved inside the rootfs
    struct stat st;
    REQUIRE(::stat((root + "/usr/sbin/dropbear").c_str(), &st) == 0);
    CHECK((st.st_mode & 0111) != 0);
    REQUIRE(::stat((root + "/root/.ssh").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(env::sys::exists(root + "/usr/lib64/ld-linux-x86-64.so.2"));
    // The same inputs give the same bytes.
    TempDir again;
    REQUIRE(std::system((std::string(ENV_SOURCE_DIR) + "/boxes/busybox/build.sh " + again.path() +
                         " >/dev/null")
                            .c_str()) == 0);
    CHECK(*env::sys::read_file(out.path() + "/busybox.json") ==
          *env::sys::read_file(again.path() + "/busybox.json"));
}

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "providers/container/supervisor/path_in_root.h"
#include "temp_dir.h"
#include "util/sys.h"

using namespace env;
using namespace env::container;

TEST_CASE("paths inside a root resolve absolute symlinks against that root, not the host",
          "[container]") {
    test::TempDir t;
    std::string root = t.path + "/root", outside = t.path + "/outside";
    REQUIRE(sys::make_dirs(root + "/etc"));
    REQUIRE(sys::make_dirs(outside));
    // A hostile box: /env points at an absolute host path.
    REQUIRE(::symlink(outside.c_str(), (root + "/env").c_str()) == 0);
    UniqueFd rfd = sys::open(root, O_PATH | O_DIRECTORY).value();
    auto fd = open_in_root(rfd.get(), "env/sub", Leaf::Directory);
    // The link target, taken inside the root, does not exist there, so nothing may be
    // created outside; either it fails or it lands inside the root.
    CHECK_FALSE(sys::exists(outside + "/sub"));
    if (fd) CHECK(sys::is_dir(root + outside + "/sub"));
}

TEST_CASE("missing directories and files are created inside the root", "[container]") {
    test::TempDir t;
    UniqueFd rfd = sys::open(t.path, O_PATH | O_DIRECTORY).value();
    REQUIRE(open_in_root(rfd.get(), "a/b/c", Leaf::Directory));
    CHECK(sys::is_dir(t.path + "/a/b/c"));
    REQUIRE(open_in_root(rfd.get(), "dev/null", Leaf::File));
    CHECK(sys::exists(t.path + "/dev/null"));
    CHECK_FALSE(sys::is_dir(t.path + "/dev/null"));
    // Relative links resolve inside too.
    REQUIRE(::symlink("a/b", (t.path + "/link").c_str()) == 0);
    REQUIRE(open_in_root(rfd.get(), "link/d", Leaf::Directory));
    CHECK(sys::is_dir(t.path + "/a/b/d"));
}

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "test_support.h"
#include "util/sys.h"

using namespace env;

using test::TempDir;

TEST_CASE("write_file_atomic replaces content and leaves no temporary file", "[util]") {
    TempDir t;
    std::string f = t.path + "/state.json";
    REQUIRE(sys::write_file_atomic(f, "one"));
    REQUIRE(sys::write_file_atomic(f, "two", 0600));
    CHECK(sys::read_file(f).value() == "two");
    struct stat st;
    REQUIRE(::stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(sys::list_dir(t.path).value() == std::vector<std::string>{"state.json"});
}

TEST_CASE("write_files_atomic writes every file with its mode, durable or not", "[util]") {
    TempDir t;
    ::mkdir((t.path + "/sub").c_str(), 0755);
    for (auto d : {sys::Durability::Durable, sys::Durability::AtomicOnly}) {
        std::string tag = d == sys::Durability::Durable ? "durable" : "atomic";
        REQUIRE(sys::write_files_atomic(
            {{t.path + "/key", tag + " private", 0600}, {t.path + "/sub/key.pub", tag, 0644}}, d));
        CHECK(sys::read_file(t.path + "/key").value() == tag + " private");
        CHECK(sys::read_file(t.path + "/sub/key.pub").value() == tag);
        struct stat st;
        REQUIRE(::stat((t.path + "/key").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }
    CHECK(sys::list_dir(t.path).value() == std::vector<std::string>{"key", "sub"});
    CHECK(sys::list_dir(t.path + "/sub").value() == std::vector<std::string>{"key.pub"});
}

TEST_CASE("write_files_atomic leaves no temporary when a file cannot be written", "[util]") {
    TempDir t;
    auto r = sys::write_files_atomic(
        {{t.path + "/a", "a", 0644}, {t.path + "/missing-dir/b", "b", 0644}});
    REQUIRE_FALSE(r);
    CHECK(r.error().what().find("missing-dir/b") != std::string::npos);
    CHECK(sys::list_dir(t.path).value().empty());  // not even `a`: nothing was renamed
}

TEST_CASE("a reader never sees a torn file while a writer rewrites it", "[util]") {
    TempDir t;
    std::string f = t.path + "/state";
    std::string a(200000, 'a'), b(200000, 'b');
    REQUIRE(sys::write_file_atomic(f, a));
    pid_t child = ::fork();
    if (child == 0) {
        for (int i = 0; i < 200; ++i) (void)sys::write_file_atomic(f, i % 2 ? a : b);
        ::_exit(0);
    }
    int torn = 0;
    for (int i = 0; i < 400; ++i) {
        auto s = sys::read_file(f);
        REQUIRE(s);
        if (*s != a && *s != b) ++torn;
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(torn == 0);
}

TEST_CASE("make_dirs creates parents and remove_tree removes everything", "[util]") {
    TempDir t;
    std::string deep = t.path + "/a/b/c";
    REQUIRE(sys::make_dirs(deep));
    REQUIRE(sys::is_dir(deep));
    REQUIRE(sys::write_file_atomic(deep + "/f", "x"));
    REQUIRE(::symlink("/etc", (t.path + "/a/link").c_str()) == 0);
    REQUIRE(sys::remove_tree(t.path + "/a"));
    CHECK_FALSE(sys::exists(t.path + "/a"));
    CHECK(sys::exists("/etc/passwd"));  // the symlink was removed, not followed
}

TEST_CASE("errors name the operation and the path", "[util]") {
    auto r = sys::read_file("/nonexistent/x");
    REQUIRE(!r);
    CHECK(r.error().what() == "open /nonexistent/x: No such file or directory");
}

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>

#include "core/project.h"
#include "test_support.h"

using namespace env;

namespace {
struct Cwd {
    char old[4096];
    explicit Cwd(const std::string& dir) {
        REQUIRE(::getcwd(old, sizeof old));
        REQUIRE(::chdir(dir.c_str()) == 0);
    }
    ~Cwd() { (void)!::chdir(old); }
};

core::Project project_with(std::initializer_list<const char*> names) {
    core::Project p;
    for (auto* n : names) {
        envfile::Machine m;
        m.name = n;
        p.envfile.machines.push_back(m);
    }
    return p;
}

std::vector<std::string> names_of(const std::vector<const envfile::Machine*>& v) {
    std::vector<std::string> out;
    for (auto* m : v) out.push_back(m->name);
    return out;
}
}  // namespace

TEST_CASE("the Envfile is found in the nearest parent directory, like Vagrant", "[core]") {
    test::TempDir t;
    REQUIRE(sys::make_dirs(t / "a/b/c"));
    REQUIRE(sys::write_file_atomic(t / "a/Envfile", "version: 1\n"));
    ::unsetenv("ENVFILE");
    Cwd cwd(t / "a/b/c");
    auto found = core::find_envfile("");
    REQUIRE(found);
    CHECK(found->ends_with("/a/Envfile"));
}

TEST_CASE("an explicit file wins over $ENVFILE, which wins over the search", "[core]") {
    test::TempDir t;
    REQUIRE(sys::write_file_atomic(t / "Envfile", "x"));
    REQUIRE(sys::write_file_atomic(t / "other.yaml", "x"));
    REQUIRE(sys::make_dirs(t / "dir"));
    REQUIRE(sys::write_file_atomic(t / "dir/Envfile", "x"));
    Cwd cwd(t.path);
    ::setenv("ENVFILE", (t / "other.yaml").c_str(), 1);
    CHECK(core::find_envfile("")->ends_with("/other.yaml"));
    CHECK(core::find_envfile(t / "dir")->ends_with("/dir/Envfile"));  // a directory means its Envfile
    ::unsetenv("ENVFILE");
    CHECK(core::find_envfile("")->ends_with(t.path.substr(t.path.rfind('/')) + "/Envfile"));
}

TEST_CASE("a missing Envfile is a NotFound error that says what to do", "[core]") {
    test::TempDir t;
    ::unsetenv("ENVFILE");
    Cwd cwd(t.path);
    auto r = core::find_envfile("");
    REQUIRE(!r);
    CHECK(r.error().exit_code() == exit_code::not_found);
    CHECK_THAT(r.error().message(), Catch::Contains("env init"));
    auto explicit_missing = core::find_envfile(t / "nope.yaml");
    REQUIRE(!explicit_missing);
    CHECK_THAT(explicit_missing.error().message(), Catch::Contains("nope.yaml"));
}

TEST_CASE("project names are short, host-safe and differ between checkouts", "[core]") {
    auto a = core::project_name_for("/home/u/src/My-Project_Lab");
    auto b = core::project_name_for("/home/u/other/My-Project_Lab");
    CHECK(a.size() <= 12);
    CHECK(a.starts_with("myprojec"));
    CHECK(a != b);
    CHECK(a == core::project_name_for("/home/u/src/My-Project_Lab"));  // stable
    CHECK(core::project_name_for("/").size() == 5);
}

TEST_CASE("machines are selected by name or /regex/, in Envfile order", "[core]") {
    auto p = project_with({"lb1", "lb2", "web1", "web2", "web3"});
    CHECK(names_of(*p.select({})).size() == 5);
    CHECK(names_of(*p.select({"web2", "lb1"})) == std::vector<std::string>{"lb1", "web2"});
    CHECK(names_of(*p.select({"/web[13]/"})) == std::vector<std::string>{"web1", "web3"});
    CHECK(names_of(*p.select({"/^lb/", "lb1"})) == std::vector<std::string>{"lb1", "lb2"});
    auto unknown = p.select({"db1"});
    REQUIRE(!unknown);
    CHECK(unknown.error().message() == "no machine named 'db1' (machines: lb1, lb2, web1, web2, web3)");
    CHECK(!p.select({"/db/"}));
    auto bad = p.select({"/[/"});
    REQUIRE(!bad);
    CHECK(bad.error().exit_code() == exit_code::usage);
}

// The foundation commands through the binary: init, validate, status, global-status, help,
// and the exit codes the README documents.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace env;

namespace {
std::string envcmd(const test::TempDir& home, const std::string& args) {
    return "cd " + home.path + " && ENV_HOME=" + home.path + "/home " + test::env_binary() + " " + args;
}
}  // namespace

TEST_CASE("init writes a starter Envfile that validates, and never overwrites silently", "[cli]") {
    test::TempDir t;
    auto r = test::run(envcmd(t, "init"));
    REQUIRE(r.status == 0);
    CHECK(sys::exists(t / "Envfile"));
    auto v = test::run(envcmd(t, "validate"));
    CHECK(v.status == 0);
    CHECK_THAT(v.out, Catch::Contains("valid, 1 machine"));
    REQUIRE(sys::write_file_atomic(t / "Envfile", "mine"));
    auto again = test::run(envcmd(t, "init"));
    CHECK(again.status == exit_code::usage);
    CHECK_THAT(again.err, Catch::Contains("already exists"));
    CHECK(sys::read_file(t / "Envfile").value() == "mine");
    CHECK(test::run(envcmd(t, "init --force")).status == 0);
}

TEST_CASE("an invalid Envfile exits 1 with PATH:LINE:COL and leaves no .envstate", "[cli]") {
    test::TempDir t;
    REQUIRE(sys::write_file_atomic(t / "Envfile", "version: 1\nmachines:\n  a:\n    memroy: 1G\n"));
    auto r = test::run(envcmd(t, "validate"));
    CHECK(r.status == exit_code::invalid);
    CHECK_THAT(r.err, Catch::Contains("Envfile:4:5:"));
    CHECK_THAT(r.err, Catch::Contains("memory"));
    CHECK(test::run(envcmd(t, "status")).status == exit_code::invalid);
    CHECK_FALSE(sys::exists(t / ".envstate"));
}

TEST_CASE("usage errors exit 2, a missing Envfile exits 5", "[cli]") {
    test::TempDir t;
    CHECK(test::run(envcmd(t, "validate --no-such-flag")).status == exit_code::usage);
    CHECK(test::run(envcmd(t, "help no-such-command")).status == exit_code::usage);
    auto r = test::run(envcmd(t, "status"));
    CHECK(r.status == exit_code::not_found);
    CHECK_THAT(r.err, Catch::Contains("no Envfile"));
}

TEST_CASE("status lists machines as not created, and names an unknown machine", "[cli]") {
    test::TempDir t;
    REQUIRE(test::run(envcmd(t, "init")).status == 0);
    auto r = test::run(envcmd(t, "status"));
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("default") && Catch::Contains("not created"));
    auto j = test::run(envcmd(t, "status --json"));
    CHECK_THAT(j.out, Catch::Contains("\"state\": \"not created\""));
    auto u = test::run(envcmd(t, "status nope"));
    CHECK(u.status == exit_code::not_found);
    CHECK_THAT(u.err, Catch::Contains("no machine named 'nope'"));
}

TEST_CASE("help describes every command and each command's flags", "[cli]") {
    test::TempDir t;
    auto all = test::run(envcmd(t, "help"));
    REQUIRE(all.status == 0);
    for (auto* c : {"init", "validate", "status", "global-status", "version"})
        CHECK_THAT(all.out, Catch::Contains(c));
    auto one = test::run(envcmd(t, "help status"));
    CHECK_THAT(one.out, Catch::Contains("--json") && Catch::Contains("--file"));
    auto flag = test::run(envcmd(t, "init --help"));
    CHECK(flag.status == 0);
    CHECK_THAT(flag.out, Catch::Contains("--force"));
}

TEST_CASE("global-status reads the index and prunes what is gone", "[cli]") {
    test::TempDir t;
    auto empty = test::run(envcmd(t, "global-status"));
    CHECK(empty.status == 0);
    CHECK_THAT(empty.out, Catch::Contains("no machines"));
    REQUIRE(sys::make_dirs(t / "home"));
    REQUIRE(sys::write_file_atomic(t / "home/index.json",
        R"({"machines":[{"project_dir":"/nowhere","envfile":"/nowhere/Envfile","machine":"m1","provider":"container","state":"running"}]})"));
    auto listed = test::run(envcmd(t, "global-status"));
    CHECK_THAT(listed.out, Catch::Contains("m1") && Catch::Contains("/nowhere"));
    auto pruned = test::run(envcmd(t, "global-status --prune"));
    CHECK_THAT(pruned.err, Catch::Contains("pruned m1"));
    CHECK_THAT(pruned.out, Catch::Contains("no machines"));
}

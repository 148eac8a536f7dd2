// The box commands through the `env` binary: output, --json, exit codes, and a failed add
// leaving `env box list` empty.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "tests/integration/box/box_fixture.h"
#include "tests/integration/box/http_server.h"

using namespace env::box;
using namespace env::box::test;

namespace {

struct Run {
    int status;
    std::string out;
};

// Runs `env ARGS` with ENV_HOME set; stdout captured, stderr into out too after "\n--\n".
Run env_cmd(const std::string& home, const std::string& args) {
    std::string cmd =
        "ENV_HOME='" + home + "' " + std::string(ENV_BINARY_DIR) + "/env " + args + " 2>&1";
    Run r{-1, ""};
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace

TEST_CASE("env box add, list --json and remove work through the binary", "[box][http][cli]") {
    if (!env::sys::exists(std::string(ENV_BINARY_DIR) + "/env")) {
        ENV_SKIP("the env binary is not built");
    }
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "cli", 4096);
    http.serve("/b.box", box.bytes);

    auto missing = env_cmd(home.path(), "box add b " + http.url("/nope.box"));
    CHECK(missing.status == 5);  // not found
    CHECK(missing.out.find("HTTP 404") != std::string::npos);
    auto bad = env_cmd(home.path(),
                       "box add b " + http.url("/b.box") + " --checksum " + std::string(64, 'a'));
    CHECK(bad.status == 1);
    CHECK(bad.out.find("checksum mismatch") != std::string::npos);
    CHECK(env_cmd(home.path(), "box list").out.find("no boxes installed") != std::string::npos);

    auto added = env_cmd(home.path(), "box add b " + http.url("/b.box") + " --checksum " +
                                          box.sha256 + " --checksum-type SHA256");
    INFO(added.out);
    REQUIRE(added.status == 0);
    auto list = env_cmd(home.path(), "box list --json");
    REQUIRE(list.status == 0);
    auto j = nlohmann::json::parse(list.out, nullptr, false);
    REQUIRE(j.is_array());
    REQUIRE(j.size() == 1);
    CHECK(j[0]["name"] == "b");
    CHECK(j[0]["version"] == "0");
    CHECK(j[0]["provider"] == "container");
    CHECK(j[0]["size"].get<uint64_t>() >= 4096);

    auto usage = env_cmd(home.path(), "box add b " + http.url("/b.box") + " --box-version '>= 1'");
    CHECK(usage.status == 2);
    auto removed = env_cmd(home.path(), "box remove b");
    CHECK(removed.status == 0);
    CHECK(env_cmd(home.path(), "box list").out.find("no boxes installed") != std::string::npos);
}

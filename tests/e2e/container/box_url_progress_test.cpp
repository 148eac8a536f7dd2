// `env up` of a machine whose box comes from its box_url: the download's progress is shown
// as the machine's step (a prefixed line in plain output, its row on a terminal), never as a
// bar or an unprefixed line of its own.
#include "tests/e2e/container/e2e_project.h"
#include "tests/integration/box/http_server.h"

using namespace env::test;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    for (size_t at = 0; at < text.size();) {
        size_t nl = text.find('\n', at);
        if (nl == std::string::npos) nl = text.size();
        out.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("env up adding a box from box_url shows the download as the machine's step",
          "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    env::box::test::HttpServer http;
    http.serve("/lab.box", *env::sys::read_file(busybox_box()));
    E2eProject p("machines:\n  m1:\n    box: lab\n    box_url: " + http.url("/lab.box") + "\n");

    // Plain output (stderr is a file): every line names the machine, the download is a few
    // "adding box" steps with percents, at most one per 10% and the end.
    auto up = p.env("up --no-provision");
    INFO(up.err);
    REQUIRE(up.status == 0);
    size_t adding = 0;
    for (auto& line : lines_of(up.err)) {
        CHECK(line.starts_with("m1: "));
        if (!line.starts_with("m1: adding box lab: downloading ")) continue;
        ++adding;
        CHECK(line.find("% ") != std::string::npos);
    }
    CHECK(adding >= 1);
    CHECK(adding <= 11);
    CHECK(up.err.find("m1: adding box lab: downloading 100% ") != std::string::npos);
    CHECK(up.err.find("m1: running") != std::string::npos);
    REQUIRE(p.env("destroy -f").status == 0);
    REQUIRE(p.env("box remove lab").status == 0);

    // On a terminal: the live row shows the step; no bar of the download's own.
    // (script's shell inherits the exported ENV_HOME and the project directory.)
    auto live = p.shell("script -qec 'stty rows 40 cols 200; " + env_binary() +
                        " up --no-provision' /dev/null");
    INFO(live.out);
    REQUIRE(live.status == 0);
    CHECK(live.out.find("adding box lab: downloading ") != std::string::npos);
    CHECK(live.out.find("[#") == std::string::npos);
    CHECK(live.out.find("lab 0") == std::string::npos);  // the bar's label outside env up
}

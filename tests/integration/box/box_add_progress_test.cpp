// `box add` with a progress sink (what `env up` passes to show the add in a machine's row):
// the download's and the extraction's progress arrive as summaries, stderr stays untouched.
#include <catch2/catch.hpp>

#include "box/add.h"
#include "tests/integration/box/box_fixture.h"
#include "tests/integration/box/http_server.h"
#include "tests/test_support.h"

using namespace env::box;
using namespace env::box::test;

namespace {

struct Summaries {
    std::vector<std::string> got;
    env::ProgressSink sink() {
        return {.report = [this](const std::string& s) { got.push_back(s); }, .live = false};
    }
};

}  // namespace

TEST_CASE("a box downloaded with a progress sink reports percents to it and nothing on stderr",
          "[box][http]") {
    EnvHome home;
    TempDir tmp;
    HttpServer http;
    auto box = build_box(tmp, "1.0");
    http.serve("/b.box", box.bytes);
    Summaries s;
    env::test::CapturedStderr err;
    auto r = add(Store::user(),
                 {.name = "progress",
                  .source = http.url("/b.box"),
                  .download = {.retries = 0, .label = "downloading", .progress_sink = s.sink()}});
    err.restore();
    REQUIRE(r);
    CHECK(err.text() == "");
    INFO(s.got.size() << " summaries, the last: " << (s.got.empty() ? "" : s.got.back()));
    REQUIRE(!s.got.empty());
    CHECK(s.got.size() <= 11);  // appended lines: at most one per 10% and the end
    for (auto& line : s.got) CHECK(line.starts_with("downloading "));
    std::string total = env::Progress::human_bytes(box.bytes.size());
    CHECK(s.got.back().starts_with("downloading 100% " + total + " of " + total + ", "));
}

TEST_CASE("a large local box reports its extraction to the sink and nothing on stderr", "[box]") {
    EnvHome home;
    TempDir tmp;
    std::string path = tmp.path() + "/big.box";
    {
        // Over the 64 MiB below which extraction reports nothing; zeros write fast.
        ArchiveWriter w(path);
        w.file("metadata.json", R"({"provider":"container","format":"rootfs","arch":"x86_64"})")
            .dir("rootfs")
            .zeros("rootfs/big", 65u << 20);
    }
    Summaries s;
    env::test::CapturedStderr err;
    auto r = add(Store::user(),
                 {.name = "big", .source = path, .download = {.progress_sink = s.sink()}});
    err.restore();
    REQUIRE(r);
    CHECK(err.text() == "");
    INFO(s.got.size() << " summaries");
    REQUIRE(s.got.size() >= 2);
    CHECK(s.got.size() <= 11);
    for (auto& line : s.got) CHECK(line.starts_with("extracting "));
    CHECK(s.got.back().starts_with("extracting 100% "));
}

// LinePrefixer: lines are written whole, prefixed, as soon as their newline arrives.
#include <catch2/catch.hpp>

#include "local_remote.h"
#include "provisioners/line_prefixer.h"

using namespace env::provisioners;

TEST_CASE("partial lines are held until their newline, then written with the prefix") {
    std::vector<std::string> got;
    LineTail tail(3);
    LinePrefixer p("web1: ", [&](std::string_view s) { got.emplace_back(s); }, &tail);

    p.feed("par");
    CHECK(got.empty());
    p.feed("tial\nsec");
    REQUIRE(got == std::vector<std::string>{"web1: partial\n"});
    p.feed("ond\r\n\nthird\nno newline");
    CHECK(got == std::vector<std::string>{"web1: partial\n", "web1: second\n", "web1: \n",
                                          "web1: third\n"});
    p.finish();
    CHECK(got.back() == "web1: no newline\n");
    p.finish();  // nothing left: nothing more written
    CHECK(got.size() == 5);

    // The tail keeps the last three lines, CR stripped.
    CHECK(tail.lines() == std::deque<std::string>{"", "third", "no newline"});
    CHECK(tail.indented() == "  \n  third\n  no newline");
}

TEST_CASE("a line that never ends is flushed once it is large") {
    std::vector<std::string> got;
    LinePrefixer p("m: ", [&](std::string_view s) { got.emplace_back(s); });
    p.feed(std::string(70 * 1024, 'x'));
    REQUIRE(got.size() == 1);
    CHECK(got[0].size() == 3 + 70 * 1024 + 1);
}

#include <catch2/catch.hpp>

#include <cerrno>

#include "util/error.h"

using namespace env;

namespace {
Result<int> parse_positive(int v) {
    if (v <= 0) return fail(ErrorKind::Invalid, "not positive: " + std::to_string(v));
    return v;
}
Result<int> doubled(int v) {
    int x = TRY(parse_positive(v));
    return 2 * x;
}
}  // namespace

TEST_CASE("TRY yields the value or returns the error unchanged", "[util]") {
    REQUIRE(doubled(4).value() == 8);
    auto r = doubled(-1);
    REQUIRE(!r);
    CHECK(r.error().message() == "not positive: -1");
    CHECK(r.error().exit_code() == exit_code::invalid);
}

TEST_CASE("an errno error appends strerror and maps to the runtime exit code", "[util]") {
    errno = ENOENT;
    auto e = fail_errno("open /nowhere").error();
    CHECK(e.what() == "open /nowhere: No such file or directory");
    CHECK(e.exit_code() == exit_code::runtime);
    e.context("loading state");
    CHECK(e.message() == "loading state: open /nowhere");
}

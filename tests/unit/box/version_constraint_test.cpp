#include <catch2/catch.hpp>

#include "box/version.h"

using env::box::Version;
using env::box::VersionConstraint;

static bool ok(const std::string& c, const std::string& v) {
    auto vc = VersionConstraint::parse(c);
    REQUIRE(vc);
    auto ver = Version::parse(v);
    REQUIRE(ver);
    return vc->matches(*ver);
}

TEST_CASE("versions compare like RubyGems: numeric segments, trailing zeros, prereleases",
          "[box]") {
    auto v = [](const char* s) { return *Version::parse(s); };
    CHECK(v("1.10") > v("1.9"));
    CHECK(v("1.0") == v("1"));
    CHECK(v("1.0.0") == v("1"));
    CHECK(v("2.0.0.1") > v("2"));
    CHECK(v("1.0.a") < v("1.0"));
    CHECK(v("1.0.beta") < v("1.0.rc1"));
    CHECK(v("1.0.rc1") > v("1.0.a"));
    CHECK(v("20240101") > v("1.9.9"));
    CHECK(v("1.0.a").prerelease());
    CHECK_FALSE(v("1.0").prerelease());
}

TEST_CASE("malformed versions and constraints are rejected", "[box]") {
    CHECK_FALSE(Version::parse(""));
    CHECK_FALSE(Version::parse("1..2"));
    CHECK_FALSE(Version::parse("v1.0"));
    CHECK_FALSE(Version::parse("1.0 beta"));
    CHECK_FALSE(VersionConstraint::parse(">= 1.0,"));
    CHECK_FALSE(VersionConstraint::parse(">> 1"));
    CHECK_FALSE(VersionConstraint::parse("~>"));
}

TEST_CASE("comparison operators and comma-separated clauses all have to hold", "[box]") {
    CHECK(ok(">= 1.2, < 2", "1.2"));
    CHECK(ok(">= 1.2, < 2", "1.9.9"));
    CHECK_FALSE(ok(">= 1.2, < 2", "2.0"));
    CHECK_FALSE(ok(">= 1.2, < 2", "1.1"));
    CHECK(ok("= 1.0", "1.0.0"));
    CHECK(ok("1.0", "1"));
    CHECK_FALSE(ok("= 1.0", "1.0.1"));
    CHECK(ok("!= 1.0", "1.1"));
    CHECK_FALSE(ok("!= 1.0", "1"));
    CHECK(ok("> 1.0", "1.0.1"));
    CHECK(ok("<= 1.0", "1.0"));
    CHECK(ok(">=1.0,<2", "1.5"));  // the Envfile's compact form
    CHECK(ok("", "0"));
}

TEST_CASE("~> allows the last given segment to grow and nothing above it", "[box]") {
    CHECK(ok("~> 1.0", "1.0"));
    CHECK(ok("~> 1.0", "1.9"));
    CHECK_FALSE(ok("~> 1.0", "2.0"));
    CHECK_FALSE(ok("~> 1.0", "0.9"));
    CHECK(ok("~> 1.2.3", "1.2.9"));
    CHECK_FALSE(ok("~> 1.2.3", "1.3"));
    CHECK_FALSE(ok("~> 1.2.3", "1.2.2"));
    CHECK(ok("~> 1", "1.9"));
    CHECK_FALSE(ok("~> 1", "2"));
    CHECK(ok("~> 1.0, != 1.3", "1.4"));
    CHECK_FALSE(ok("~> 1.0, != 1.3", "1.3"));
    CHECK(Version::parse("1.2.3")->bump() == *Version::parse("1.3"));
    CHECK(Version::parse("1.2.rc1")->bump() == *Version::parse("2"));
}

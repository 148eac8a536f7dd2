// ${...} placeholders: substitution, integer arithmetic, escapes and the errors they give.
#include <catch2/catch.hpp>

#include "envfile/interpolate.h"

using namespace env::envfile;

TEST_CASE("placeholders substitute variables and integer arithmetic", "[envfile]") {
    Vars v{{"i", "3"}, {"zone", "east"}};
    CHECK(interpolate("web${i}", v).value() == "web3");
    CHECK(interpolate("192.168.56.${10 + i}", v).value() == "192.168.56.13");
    CHECK(interpolate("${(i + 1) * 2 - 1}", v).value() == "7");
    CHECK(interpolate("${i / 2}-${i % 2}-${-i}", v).value() == "1-1--3");
    CHECK(interpolate("${ 2*i*i }", v).value() == "18");
    CHECK(interpolate("${zone}-${i}", v).value() == "east-3");
    CHECK(interpolate("no placeholders $HOME", v).value() == "no placeholders $HOME");
}

TEST_CASE("$${ is a literal ${ so shell scripts keep their own variables", "[envfile]") {
    CHECK(interpolate("echo $${HOME} ${i}", Vars{{"i", "1"}}).value() == "echo ${HOME} 1");
}

TEST_CASE("placeholder errors name the problem", "[envfile]") {
    Vars v{{"i", "1"}, {"zone", "a"}};
    CHECK_THAT(interpolate("${j}", v).error(), Catch::Contains("loop variable 'j' is not bound") &&
                                                   Catch::Contains("bound here: i, zone"));
    CHECK_THAT(interpolate("${HOME}", Vars{}).error(), Catch::Contains("write $${HOME}"));
    CHECK_THAT(interpolate("${i / (i - 1)}", v).error(), Catch::Contains("division by zero"));
    CHECK_THAT(interpolate("${zone * 2}", v).error(), Catch::Contains("'a', not an integer"));
    CHECK_THAT(interpolate("${(i + 1}", v).error(), Catch::Contains("missing ')'"));
    CHECK_THAT(interpolate("${i +}", v).error(), Catch::Contains("ends too early"));
    CHECK_THAT(interpolate("${i i}", v).error(), Catch::Contains("unexpected 'i'"));
    CHECK_THAT(interpolate("web${i", v).error(), Catch::Contains("unterminated"));
    CHECK_THAT(interpolate("${}", v).error(), Catch::Contains("empty placeholder"));
    CHECK_THAT(interpolate("${9223372036854775807 + i}", v).error(), Catch::Contains("overflow"));
}

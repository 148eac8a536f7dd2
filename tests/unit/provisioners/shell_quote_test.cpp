// shell_quote(): sh reads every quoted word back as exactly the original.
#include <catch2/catch.hpp>

#include "local_remote.h"
#include "provisioners/shell_quote.h"

using namespace env::provisioners;

TEST_CASE("shell_quote round-trips awkward words through sh") {
    std::vector<std::string> words = {"plain",     "two words", "it's",    "\"dq\"",
                                      "$HOME `id`", "a\\b",     "",        "new\nline",
                                      "*",         "-x",        "tab\there", "'"};
    test::LocalRemote sh;
    std::string out;
    env::ssh::ExecIo io;
    io.on_stdout = [&](std::string_view d) { out.append(d); };
    auto st = sh.exec("printf '[%s]' " + shell_join(words), io);
    REQUIRE(st);
    CHECK(*st == 0);
    std::string want;
    for (auto& w : words) want += "[" + w + "]";
    CHECK(out == want);

    CHECK(shell_quote("safe/path-1.sh") == "safe/path-1.sh");
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(shell_quote("") == "''");
}

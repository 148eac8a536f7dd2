// The Remote seam can be faked: code written against Remote runs without a server.
#include <catch2/catch.hpp>

#include "tests/unit/ssh/fake_remote.h"

using namespace env;
using namespace env::ssh;

namespace {
// A tiny "provisioner" written only against the seam.
Result<std::string> provision(Remote& r) {
    TRY(r.upload("/local/setup.sh", "/tmp/setup.sh"));
    std::string out;
    ExecIo io;
    io.on_stdout = [&](std::string_view d) { out.append(d); };
    int status = TRY(r.exec("sh /tmp/setup.sh", io));
    if (status != 0)
        return fail(ErrorKind::Provider,
                    r.machine() + ": setup.sh exited with " + std::to_string(status));
    return out;
}
}  // namespace

TEST_CASE("code against the Remote seam is testable with FakeRemote", "[ssh]") {
    test::FakeRemote ok("web");
    ok.reply({0, "done\n", ""});
    auto r = provision(ok);
    REQUIRE(r);
    CHECK(*r == "done\n");
    REQUIRE(ok.uploads.size() == 1);
    CHECK(ok.uploads[0].remote == "/tmp/setup.sh");
    CHECK(ok.commands == std::vector<std::string>{"sh /tmp/setup.sh"});

    test::FakeRemote bad("db");
    bad.reply({7, "", "boom"});
    auto e = provision(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().message() == "db: setup.sh exited with 7");

    test::FakeRemote lost("db");
    lost.fail_next();
    CHECK(provision(lost).error().kind() == ErrorKind::Network);
}

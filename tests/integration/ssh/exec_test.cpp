// exec(): stdout and stderr apart, exit status, stdin forwarding, PTY mode.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "ssh/exec.h"
#include "test_server.h"

using namespace env::ssh;
using namespace env::ssh::test;

#define REQUIRE_SERVER(kind)                                      \
    if (auto why = TestServer::unavailable(kind); !why.empty()) { \
        ENV_SKIP(why);                                            \
    }

TEST_CASE("exec keeps stdout and stderr apart and returns the exit status", "[root]") {
    REQUIRE_SERVER(ServerKind::OpenSsh);
    TestServer server(ServerKind::OpenSsh);
    REQUIRE(server.start());
    auto s = Session::connect(server.options());
    REQUIRE(s);

    auto ok = exec_capture(*s, "echo out; echo err >&2; true");
    REQUIRE(ok);
    CHECK(ok->status == 0);
    CHECK(ok->out == "out\n");
    CHECK(ok->err == "err\n");

    auto seven = exec_capture(*s, "printf abc; printf xyz >&2; exit 7");
    REQUIRE(seven);
    CHECK(seven->status == 7);
    CHECK(seven->out == "abc");
    CHECK(seven->err == "xyz");

    auto killed = exec_capture(*s, "kill -TERM $$");
    REQUIRE(killed);
    CHECK(killed->status == 128 + 15);  // exit-signal TERM, reported as a shell would

    auto missing = exec_capture(*s, "no-such-command-here");
    REQUIRE(missing);
    CHECK(missing->status == 127);
    CHECK_FALSE(missing->err.empty());
}

TEST_CASE("exec forwards stdin data and an stdin fd, then EOF", "[root]") {
    REQUIRE_SERVER(ServerKind::OpenSsh);
    TestServer server(ServerKind::OpenSsh);
    REQUIRE(server.start());
    auto s = Session::connect(server.options());
    REQUIRE(s);

    auto r = exec_capture(*s, "wc -c", std::string(200000, 'x'));
    REQUIRE(r);
    CHECK(r->out == "200000\n");

    int p[2];
    REQUIRE(::pipe(p) == 0);
    REQUIRE(::write(p[1], "from a pipe\n", 12) == 12);
    ::close(p[1]);
    std::string out;
    ExecIo io;
    io.stdin_data = "first line\n";
    io.stdin_fd = p[0];
    io.on_stdout = [&](std::string_view d) { out.append(d); };
    auto status = exec(*s, "cat", io);
    ::close(p[0]);
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK(out == "first line\nfrom a pipe\n");
}

TEST_CASE("exec with a PTY gives the command a terminal of the requested size", "[root]") {
    REQUIRE_SERVER(ServerKind::OpenSsh);
    TestServer server(ServerKind::OpenSsh);
    REQUIRE(server.start());
    auto s = Session::connect(server.options());
    REQUIRE(s);
    std::string out;
    ExecIo io;
    io.pty = true;
    io.cols = 101;
    io.rows = 33;
    io.term = "vt220";
    io.on_stdout = [&](std::string_view d) { out.append(d); };
    auto status = exec(*s, "test -t 0 && stty size && echo $TERM; exit 3", io);
    REQUIRE(status);
    CHECK(*status == 3);
    CHECK(out.find("33 101") != std::string::npos);
    CHECK(out.find("vt220") != std::string::npos);
}

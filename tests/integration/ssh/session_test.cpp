// Connecting: our key authenticates, the pinned host key is enforced, readiness waits for
// authentication and reports the last error on timeout. Needs root (the test server runs in
// a private mount namespace).
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "ssh/exec.h"
#include "ssh/keys.h"
#include "ssh/session.h"
#include "test_server.h"

using namespace env::ssh;
using namespace env::ssh::test;
using namespace std::chrono_literals;

#define REQUIRE_SERVER(kind)                                      \
    if (auto why = TestServer::unavailable(kind); !why.empty()) { \
        ENV_SKIP(why);                                            \
    }

TEST_CASE("our generated key authenticates against sshd with the pinned host key", "[root]") {
    REQUIRE_SERVER(ServerKind::OpenSsh);
    TestServer server(ServerKind::OpenSsh);
    REQUIRE(server.start());
    auto s = Session::connect(server.options());
    INFO(server.log());
    REQUIRE(s.has_value());
    auto r = exec_capture(*s, "echo hi");
    REQUIRE(r);
    CHECK(r->out == "hi\n");

    // The machine's known_hosts file (what SshInfo carries) pins the same key.
    std::string kh = server.dir() + "/known_hosts";
    REQUIRE(write_known_hosts(kh, "127.0.0.1", server.port(), server.keys().host_public_key_file));
    auto o = server.options();
    o.host_public_key_file = kh;
    CHECK(Session::connect(o).has_value());
}

TEST_CASE("our generated key authenticates against dropbear with the pinned host key", "[root]") {
    REQUIRE_SERVER(ServerKind::Dropbear);
    TestServer server(ServerKind::Dropbear);
    REQUIRE(server.start());
    auto s = Session::connect(server.options());
    INFO(server.log());
    REQUIRE(s.has_value());
    auto r = exec_capture(*s, "echo hi; echo err >&2; exit 7");
    REQUIRE(r);
    CHECK(r->out == "hi\n");
    CHECK(r->err == "err\n");
    CHECK(r->status == 7);
}

TEST_CASE("a server presenting another host key is refused, naming the machine, without retry",
          "[root]") {
    auto kind = GENERATE(ServerKind::OpenSsh, ServerKind::Dropbear);
    REQUIRE_SERVER(kind);
    TestServer server(kind);
    REQUIRE(server.start());
    // Pin a different key than the one the server holds.
    REQUIRE(generate_key_pair(server.dir() + "/other_host_key", "other"));
    auto o = server.options();
    o.host_public_key_file = server.dir() + "/other_host_key.pub";
    auto start = std::chrono::steady_clock::now();
    auto s = connect_with_retry(o, 10s);
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().message().find("machine 'testbox'") != std::string::npos);
    CHECK(s.error().message().find("host key mismatch") != std::string::npos);
    CHECK(took < 5s);  // not retried until the deadline
}

TEST_CASE("a key the server does not authorize fails authentication", "[root]") {
    REQUIRE_SERVER(ServerKind::OpenSsh);
    TestServer server(ServerKind::OpenSsh);
    REQUIRE(server.start());
    REQUIRE(generate_key_pair(server.dir() + "/stranger", "stranger"));
    auto o = server.options();
    o.identity_file = server.dir() + "/stranger";
    auto s = connect_with_retry(o, 1500ms);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().message().find("authentication") != std::string::npos);
    CHECK(s.error().message().find("not ready after") != std::string::npos);
}

TEST_CASE("connect_with_retry waits until a late server authenticates and says how long it took",
          "[root]") {
    REQUIRE_SERVER(ServerKind::OpenSsh);
    TestServer server(ServerKind::OpenSsh);
    std::thread late([&] {
        std::this_thread::sleep_for(800ms);
        server.start();
    });
    auto s = connect_with_retry(server.options(), 20s);
    late.join();
    INFO(server.log());
    REQUIRE(s.has_value());
    CHECK(s->attempts > 1);
    CHECK(s->last_error.find("cannot connect") != std::string::npos);
    CHECK(s->elapsed >= 700ms);
    CHECK(s->elapsed < 20s);
}

TEST_CASE("connect_with_retry gives up at the deadline with the last error", "[root]") {
    REQUIRE_SERVER(ServerKind::OpenSsh);
    TestServer server(ServerKind::OpenSsh);  // keys and a port, but never started
    auto start = std::chrono::steady_clock::now();
    auto s = connect_with_retry(server.options(), 1s);
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().message().find("last error") != std::string::npos);
    CHECK(s.error().message().find("testbox") != std::string::npos);
    CHECK(took >= 900ms);
    CHECK(took < 4s);
}

TEST_CASE("connect_with_retry stops when the between-attempts check fails", "[root]") {
    REQUIRE_SERVER(ServerKind::OpenSsh);
    TestServer server(ServerKind::OpenSsh);  // never started
    int checks = 0;
    auto s = connect_with_retry(server.options(), 30s, [&]() -> env::Result<> {
        if (++checks == 3) return env::fail(env::ErrorKind::Provider, "machine 'testbox' crashed");
        return {};
    });
    REQUIRE_FALSE(s.has_value());
    CHECK(checks == 3);
    CHECK(s.error().message() == "machine 'testbox' crashed");
}

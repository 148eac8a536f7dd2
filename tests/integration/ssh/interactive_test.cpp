// interactive(): a PTY session driven through a local pseudo-terminal standing in for the
// user's terminal: size and TERM reach the remote, SIGWINCH becomes a window change, the
// exit status comes back, and the local terminal's mode is restored afterwards.
#include <catch2/catch.hpp>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "ssh/interactive.h"
#include "test_server.h"

using namespace env::ssh;
using namespace env::ssh::test;
using namespace std::chrono_literals;

TEST_CASE("interactive session: local size, TERM, SIGWINCH, exit status, tty restored", "[root]") {
    if (auto why = TestServer::unavailable(ServerKind::OpenSsh); !why.empty()) {
        ENV_SKIP(why);
    }
    TestServer server(ServerKind::OpenSsh);
    REQUIRE(server.start());
    auto s = Session::connect(server.options());
    REQUIRE(s);

    int master = -1, slave = -1;
    struct winsize ws {};
    ws.ws_row = 30;
    ws.ws_col = 100;
    REQUIRE(::openpty(&master, &slave, nullptr, nullptr, &ws) == 0);
    struct termios before {};
    REQUIRE(::tcgetattr(slave, &before) == 0);

    // Drain what the session prints to "the terminal".
    std::mutex mu;
    std::string seen;
    std::atomic<bool> done{false};
    std::thread reader([&] {
        char buf[1024];
        while (!done) {
            pollfd p{master, POLLIN, 0};
            if (::poll(&p, 1, 50) == 1) {
                ssize_t n = ::read(master, buf, sizeof buf);
                if (n <= 0) break;
                std::lock_guard lk(mu);
                seen.append(buf, static_cast<size_t>(n));
            }
        }
    });
    auto wait_for_text = [&](const std::string& text) {
        for (int i = 0; i < 100; ++i) {
            {
                std::lock_guard lk(mu);
                if (seen.find(text) != std::string::npos) return true;
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    };

    ::setenv("TERM", "xterm-test", 1);
    InteractiveOptions opts;
    opts.command = "stty size; echo term=$TERM; read x; stty size; exit 3";
    opts.in_fd = opts.out_fd = opts.err_fd = slave;
    env::Result<int> status = -1;
    std::thread session([&] { status = interactive(*s, opts); });

    CHECK(wait_for_text("30 100"));
    CHECK(wait_for_text("term=xterm-test"));
    // The local terminal is resized: the handler turns SIGWINCH into a window change.
    ws.ws_row = 40;
    ws.ws_col = 120;
    REQUIRE(::ioctl(master, TIOCSWINSZ, &ws) == 0);
    ::kill(::getpid(), SIGWINCH);
    std::this_thread::sleep_for(300ms);
    REQUIRE(::write(master, "go\r", 3) == 3);
    session.join();
    CHECK(wait_for_text("40 120"));
    done = true;
    reader.join();

    REQUIRE(status);
    CHECK(*status == 3);
    struct termios after {};
    REQUIRE(::tcgetattr(slave, &after) == 0);
    CHECK(after.c_lflag == before.c_lflag);
    CHECK(after.c_iflag == before.c_iflag);
    CHECK(after.c_oflag == before.c_oflag);
    ::close(master);
    ::close(slave);
}

TEST_CASE("interactive session with piped input gets no PTY, like ssh", "[root]") {
    if (auto why = TestServer::unavailable(ServerKind::OpenSsh); !why.empty()) {
        ENV_SKIP(why);
    }
    TestServer server(ServerKind::OpenSsh);
    REQUIRE(server.start());
    auto s = Session::connect(server.options());
    REQUIRE(s);
    int in[2], out[2], err[2];
    REQUIRE(::pipe(in) == 0);
    REQUIRE(::pipe(out) == 0);
    REQUIRE(::pipe(err) == 0);
    const char script[] = "test -t 0 || echo no-tty; echo oops >&2; exit 4\n";
    REQUIRE(::write(in[1], script, sizeof script - 1) == sizeof script - 1);
    ::close(in[1]);
    InteractiveOptions opts;  // the login shell reads the script from stdin
    opts.in_fd = in[0];
    opts.out_fd = out[1];
    opts.err_fd = err[1];
    auto status = interactive(*s, opts);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    char buf[256];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    std::string o(buf, n > 0 ? static_cast<size_t>(n) : 0);
    n = ::read(err[0], buf, sizeof buf);
    std::string e(buf, n > 0 ? static_cast<size_t>(n) : 0);
    ::close(out[0]);
    ::close(err[0]);
    REQUIRE(status);
    CHECK(*status == 4);
    CHECK(o == "no-tty\n");
    CHECK(e == "oops\n");
}

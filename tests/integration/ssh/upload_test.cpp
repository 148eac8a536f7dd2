// upload(): a directory tree lands at the destination with contents, modes and symlinks.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <unistd.h>
#include <csignal>

#include "ssh/upload.h"
#include "test_server.h"
#include "util/sys.h"

using namespace env;
using namespace env::ssh;
using namespace env::ssh::test;

// Over SFTP with sshd and with dropbear (which runs OpenSSH's sftp-server), and through the
// shell fallback when the server has no SFTP subsystem.
TEST_CASE("upload copies a directory tree keeping modes and symlinks", "[root]") {
    auto [kind, with_sftp] =
        GENERATE(std::pair{ServerKind::OpenSsh, true}, std::pair{ServerKind::Dropbear, true},
                 std::pair{ServerKind::Dropbear, false});
    if (auto why = TestServer::unavailable(kind); !why.empty()) {
        ENV_SKIP(why);
    }
    TestServer server(kind, with_sftp);
    REQUIRE(server.start());
    auto s = Session::connect(server.options());
    REQUIRE(s);

    std::string src = server.dir() + "/src";
    REQUIRE(sys::make_dirs(src + "/sub/deeper"));
    REQUIRE(sys::write_file_atomic(src + "/run.sh", "#!/bin/sh\necho run\n", 0755));
    REQUIRE(sys::write_file_atomic(src + "/secret", "s3cret", 0600));
    REQUIRE(sys::write_file_atomic(src + "/sub/deeper/big", std::string(300000, 'b'), 0644));
    REQUIRE(::chmod((src + "/sub").c_str(), 0750) == 0);
    REQUIRE(::symlink("run.sh", (src + "/link").c_str()) == 0);

    // The server is the same host here, so the result is checked on the local filesystem.
    std::string dst = server.dir() + "/dst";
    auto st = upload(*s, src, dst);
    REQUIRE(st);
    CHECK(st->files == 4);
    CHECK(st->dirs == 3);
    CHECK(st->bytes == 300000 + 6 + 19);
    CHECK(st->via_sftp == with_sftp);

    auto mode = [](const std::string& p) {
        struct stat sb {};
        ::lstat(p.c_str(), &sb);
        return sb.st_mode & 07777;
    };
    CHECK(mode(dst + "/run.sh") == 0755);
    CHECK(mode(dst + "/secret") == 0600);
    CHECK(mode(dst + "/sub") == 0750);
    CHECK(*sys::read_file(dst + "/sub/deeper/big") == std::string(300000, 'b'));
    INFO("server: " << (kind == ServerKind::OpenSsh ? "sshd" : "dropbear") << ", sftp "
                    << with_sftp);
    char target[64] = {};
    REQUIRE(::readlink((dst + "/link").c_str(), target, sizeof target - 1) > 0);
    CHECK(std::string(target) == "run.sh");

    // Awkward names survive the shell fallback's quoting.
    REQUIRE(sys::write_file_atomic(src + "/it's \"odd\" $x", "q", 0640));
    auto odd = upload(*s, src + "/it's \"odd\" $x", dst + "/it's \"odd\" $x");
    INFO("error: " << (odd ? std::string("none") : odd.error().what()));
    REQUIRE(odd);
    CHECK(*sys::read_file(dst + "/it's \"odd\" $x") == "q");
    CHECK(mode(dst + "/it's \"odd\" $x") == 0640);

    // A single file, uploaded again over an existing one.
    REQUIRE(upload(*s, src + "/secret", dst + "/copy"));
    CHECK(*sys::read_file(dst + "/copy") == "s3cret");
    CHECK(mode(dst + "/copy") == 0600);

    auto missing = upload(*s, src + "/nope", dst + "/x");
    REQUIRE_FALSE(missing);
}

// Issue 14: behind a dropbear whose SFTP server does not exist (the busybox box), libssh's
// sftp_init() spun forever at 100% CPU. The upload must fall back to the shell, in bounded
// time. It runs in a child process so that a regression fails this test instead of hanging
// the whole binary.
TEST_CASE("upload falls back to the shell when the SFTP server program is missing", "[root]") {
    if (auto why = TestServer::unavailable(ServerKind::Dropbear); !why.empty()) ENV_SKIP(why);
    TestServer server(ServerKind::Dropbear, Sftp::Missing);
    REQUIRE(server.start());
    std::string src = server.dir() + "/f.txt", dst = server.dir() + "/x";
    REQUIRE(sys::write_file_atomic(src, "payload", 0644));
    auto opts = server.options();
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        auto s = Session::connect(opts);
        if (!s) _exit(2);
        auto st = upload(*s, src, dst);
        _exit(!st ? 3 : st->via_sftp ? 4 : 0);
    }
    int status = -1;
    for (int i = 0; i < 300 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) ::usleep(100000);
    if (::waitpid(pid, &status, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        FAIL("upload did not finish within 30 s");
    }
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(*sys::read_file(dst) == "payload");
}

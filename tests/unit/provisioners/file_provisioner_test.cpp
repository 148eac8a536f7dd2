// The file provisioner's destination rules (Vagrant's), checked on this host's filesystem
// through LocalRemote, and the commands it sends, through FakeRemote.
#include <catch2/catch.hpp>

#include "local_remote.h"
#include "provisioners/file_provisioner.h"
#include "test_support.h"
#include "tests/unit/ssh/fake_remote.h"

using namespace env;
using namespace env::provisioners;
using env::provisioners::test::CapturedConsole;
using env::provisioners::test::LocalRemote;

namespace {

envfile::Machine machine() {
    envfile::Machine m;
    m.name = "web1";
    return m;
}

Result<> copy(ssh::Remote& remote, const std::string& source, const std::string& dest) {
    envfile::Provisioner p;
    p.kind = envfile::Provisioner::Kind::File;
    p.name = "file #1";
    p.source = source;
    p.destination = dest;
    CapturedConsole cap;
    return FileProvisioner(p, cap.console()).provision(machine(), remote);
}

}  // namespace

TEST_CASE("a file lands at the destination, creating parents, or inside a directory") {
    env::test::TempDir host, guest;
    REQUIRE(sys::write_file_atomic(host / "motd", "hello\n", 0640));
    LocalRemote remote;

    REQUIRE(copy(remote, host / "motd", guest / "etc/deep/motd"));
    CHECK(*sys::read_file(guest / "etc/deep/motd") == "hello\n");

    // An existing directory, or a trailing '/', receives the file under its own name.
    REQUIRE(copy(remote, host / "motd", guest / "etc"));
    CHECK(*sys::read_file(guest / "etc/motd") == "hello\n");
    REQUIRE(copy(remote, host / "motd", guest / "new dir/"));
    CHECK(*sys::read_file(guest / "new dir/motd") == "hello\n");

    // Over an existing file: replaced.
    REQUIRE(sys::write_file_atomic(host / "motd", "second\n"));
    REQUIRE(copy(remote, host / "motd", guest / "etc/deep/motd"));
    CHECK(*sys::read_file(guest / "etc/deep/motd") == "second\n");
}

TEST_CASE(
    "a directory's contents land in the destination, or itself inside it with a trailing slash") {
    env::test::TempDir host, guest;
    REQUIRE(sys::make_dirs(host / "conf/sub"));
    REQUIRE(sys::write_file_atomic(host / "conf/a", "A"));
    REQUIRE(sys::write_file_atomic(host / "conf/sub/b", "B"));
    LocalRemote remote;

    REQUIRE(copy(remote, host / "conf", guest / "opt/app"));
    CHECK(*sys::read_file(guest / "opt/app/a") == "A");
    CHECK(*sys::read_file(guest / "opt/app/sub/b") == "B");

    // Merged into an existing directory, not nested.
    REQUIRE(sys::write_file_atomic(guest / "opt/app/kept", "K"));
    REQUIRE(copy(remote, host / "conf", guest / "opt/app"));
    CHECK(sys::exists(guest / "opt/app/kept"));
    CHECK_FALSE(sys::exists(guest / "opt/app/conf"));

    REQUIRE(copy(remote, host / "conf", guest / "srv/"));
    CHECK(*sys::read_file(guest / "srv/conf/sub/b") == "B");
}

TEST_CASE("a destination starting with ~ is the guest's home and ~user is refused") {
    env::test::TempDir host, home;
    REQUIRE(sys::write_file_atomic(host / "rc", "x"));
    LocalRemote remote;
    remote.home = home.path;

    REQUIRE(copy(remote, host / "rc", "~/.config/rc"));
    CHECK(*sys::read_file(home / ".config/rc") == "x");
    REQUIRE(copy(remote, host / "rc", "relative/rc"));  // relative: from the home, like scp
    CHECK(*sys::read_file(home / "relative/rc") == "x");
    REQUIRE(copy(remote, host / "rc", "~"));
    CHECK(*sys::read_file(home / "rc") == "x");

    ssh::test::FakeRemote fake("web1");
    auto r = copy(fake, host / "rc", "~bob/rc");
    REQUIRE_FALSE(r);
    CHECK(r.error().kind() == ErrorKind::Invalid);
    CHECK(r.error().message() ==
          "web1: provisioner 'file #1': destination '~bob/rc': only '~' and '~/...' (the SSH "
          "user's home) are expanded; write another user's home as an absolute path");
    CHECK(fake.commands.empty());
    CHECK(fake.uploads.empty());
}

TEST_CASE("the file provisioner prepares the destination, then uploads") {
    env::test::TempDir host;
    REQUIRE(sys::write_file_atomic(host / "f", "x"));
    ssh::test::FakeRemote fake("web1");
    fake.reply({0, "dir\n", ""});  // the guest says /etc/app is a directory
    REQUIRE(copy(fake, host / "f", "/etc/app"));
    REQUIRE(fake.commands.size() == 1);
    CHECK(fake.commands[0] == "mkdir -p -- /etc && { [ -d /etc/app ] && echo dir || true; }");
    REQUIRE(fake.uploads.size() == 1);
    CHECK(fake.uploads[0].remote == "/etc/app/f");

    ssh::test::FakeRemote denied("web1");
    denied.reply({1, "", "mkdir: cannot create directory '/etc/x': Permission denied\n"});
    auto r = copy(denied, host / "f", "/etc/x/f");
    REQUIRE_FALSE(r);
    CHECK(r.error().message() ==
          "web1: provisioner 'file #1' failed with exit status 1; last output:\n"
          "  mkdir: cannot create directory '/etc/x': Permission denied");
    CHECK(denied.uploads.empty());
}

// Issue 14: a machine that can write the synced project replaces conf/ with a symlink to a
// host directory; the next provision must not copy the host's file into the machine.
TEST_CASE("a source that leads out of the project through a symlink is refused") {
    env::test::TempDir project, outside, guest;
    REQUIRE(sys::write_file_atomic(outside / "secret", "host only\n", 0600));
    REQUIRE(::symlink((outside.path).c_str(), (project / "conf").c_str()) == 0);
    REQUIRE(sys::make_dirs(project / "ok"));
    REQUIRE(sys::write_file_atomic(project / "ok/file", "fine\n"));
    REQUIRE(::symlink("ok", (project / "inside").c_str()) == 0);
    LocalRemote remote;
    auto provision = [&](const std::string& source, const std::string& dest) {
        envfile::Provisioner p;
        p.kind = envfile::Provisioner::Kind::File;
        p.name = "file #1";
        p.source = source;
        p.destination = dest;
        p.project_dir = project.path;
        CapturedConsole cap;
        return FileProvisioner(p, cap.console()).provision(machine(), remote);
    };

    auto r = provision(project / "conf/secret", guest / "stolen");
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("leads out of the project") != std::string::npos);
    CHECK_FALSE(sys::exists(guest / "stolen"));
    // The same through '..' inside the path.
    CHECK_FALSE(provision(project / "ok/../conf/secret", guest / "stolen"));
    // A symlink that stays inside the project is fine.
    REQUIRE(provision(project / "inside/file", guest / "copied"));
    CHECK(*sys::read_file(guest / "copied") == "fine\n");
    // A source outside the project is the author's own choice and is copied.
    REQUIRE(provision(outside / "secret", guest / "chosen"));
    CHECK(*sys::read_file(guest / "chosen") == "host only\n");
}

// The shell provisioner: how the script gets to the guest, how it is run (quoting, env,
// sudo), live prefixed output, and the error of a failing script.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "local_remote.h"
#include "provisioners/shell_provisioner.h"
#include "test_support.h"
#include "tests/unit/ssh/fake_remote.h"

using namespace env;
using namespace env::provisioners;
using env::provisioners::test::CapturedConsole;
using env::provisioners::test::LocalRemote;
using env::ssh::test::FakeRemote;

namespace {

envfile::Machine machine(const std::string& name = "web1") {
    envfile::Machine m;
    m.name = name;
    return m;
}

envfile::Provisioner inline_step(const std::string& name, const std::string& script) {
    envfile::Provisioner p;
    p.name = name;
    p.inline_script = script;
    p.privileged = false;
    return p;
}

}  // namespace

TEST_CASE("an inline script goes through stdin to a temp file, is run, then removed") {
    FakeRemote remote("web1");
    CapturedConsole cap;
    ShellProvisioner step(inline_step("shell #1", "echo hi\n"), 1, cap.console());
    REQUIRE(step.provision(machine(), remote));

    REQUIRE(remote.commands.size() == 2);
    CHECK(remote.uploads.empty());
    CHECK(step.remote_path() == "/tmp/env-provision-shell-1-1.sh");
    CHECK(remote.commands[0] ==
          "rm -f /tmp/env-provision-shell-1-1.sh && (umask 077 && cat > "
          "/tmp/env-provision-shell-1-1.sh)");
    CHECK(remote.stdin_seen[0] == "echo hi\n");
    CHECK(remote.commands[1] ==
          "chmod 0700 /tmp/env-provision-shell-1-1.sh && { "
          "/tmp/env-provision-shell-1-1.sh; }; env_status=$?; rm -f "
          "/tmp/env-provision-shell-1-1.sh; exit $env_status");
}

TEST_CASE("a path script is uploaded to the temp path, then run with its args") {
    env::test::TempDir project;
    REQUIRE(sys::write_file_atomic(project / "setup.sh", "#!/bin/sh\n", 0755));
    FakeRemote remote("web1");
    CapturedConsole cap;
    envfile::Provisioner p;
    p.name = "setup";
    p.path = project / "setup.sh";
    p.project_dir = project.path;
    p.args = {"--fast", "two words"};
    p.privileged = false;
    ShellProvisioner step(p, 4, cap.console());
    REQUIRE(step.provision(machine(), remote));

    REQUIRE(remote.uploads.size() == 1);
    // The script opened beneath the project, handed over by descriptor (local_source.h).
    CHECK(remote.uploads[0].local.starts_with("/proc/self/fd/"));
    CHECK(remote.uploads[0].remote == "/tmp/env-provision-setup-4.sh");
    REQUIRE(remote.commands.size() == 1);
    CHECK(
        remote.commands[0].starts_with("chmod 0700 /tmp/env-provision-setup-4.sh && { "
                                       "/tmp/env-provision-setup-4.sh --fast 'two words'; }"));

    // A lost connection during the upload names the machine and the step; nothing runs.
    FakeRemote broken("web1");
    broken.fail_next();
    auto r = ShellProvisioner(p, 4, cap.console()).provision(machine(), broken);
    REQUIRE_FALSE(r);
    CHECK(r.error().message() == "web1: provisioner 'setup': machine 'web1': connection lost");
    CHECK(broken.commands.empty());
}

TEST_CASE("args and env with spaces and quotes reach the script intact") {
    LocalRemote remote("web1");
    CapturedConsole cap;
    auto p = inline_step("quoting",
                         "#!/bin/sh\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\n"
                         "printf 'ROLE=<%s> MSG=<%s>\\n' \"$ROLE\" \"$MSG\"\n");
    p.args = {"two words", "it's", "\"dq\" $HOME `x`", ""};
    p.env = {{"ROLE", "web server"}, {"MSG", "don't \"panic\" $PATH"}};
    ShellProvisioner step(p, 1, cap.console());
    auto r = step.provision(machine(), remote);
    INFO(CapturedConsole::joined(cap.err));
    REQUIRE(r);
    CHECK(CapturedConsole::joined(cap.out) ==
          "web1: <two words>\nweb1: <it's>\nweb1: <\"dq\" $HOME `x`>\nweb1: <>\n"
          "web1: ROLE=<web server> MSG=<don't \"panic\" $PATH>\n");
    CHECK_FALSE(sys::exists(step.remote_path()));  // removed after the run
}

TEST_CASE("privileged steps run through sudo unless the SSH user is root") {
    env::test::TempDir bin;
    // A non-root guest: `id -u` says 1000, and a `sudo` that logs its flags and runs the rest.
    REQUIRE(sys::write_file_atomic(bin / "id", "#!/bin/sh\necho 1000\n", 0755));
    REQUIRE(sys::write_file_atomic(
        bin / "sudo",
        "#!/bin/sh\necho \"sudo $1 $2 $3\" >> " + bin.path + "/sudo.log\nshift 3\nexec \"$@\"\n",
        0755));
    auto p = inline_step("root", "#!/bin/sh\necho \"as root: $1 $GREETING\"\n");
    p.privileged = true;
    p.args = {"a b"};
    p.env = {{"GREETING", "it's me"}};

    LocalRemote user("web1");
    user.path_prefix = bin.path;
    CapturedConsole cap;
    ShellProvisioner step(p, 1, cap.console());
    REQUIRE(step.provision(machine(), user));
    CHECK(CapturedConsole::joined(cap.out) == "web1: as root: a b it's me\n");
    CHECK(*sys::read_file(bin / "sudo.log") == "sudo -n -E -H\n");
    CHECK(step.run_command("/tmp/s.sh").find("else sudo -n -E -H sh -c ") != std::string::npos);

    // As root (the real `id` here says 0 when the tests run as root): no sudo at all.
    if (::geteuid() == 0) {
        REQUIRE(::unlink((bin / "id").c_str()) == 0);
        REQUIRE(::unlink((bin / "sudo.log").c_str()) == 0);
        CapturedConsole cap2;
        REQUIRE(ShellProvisioner(p, 1, cap2.console()).provision(machine(), user));
        CHECK(CapturedConsole::joined(cap2.out) == "web1: as root: a b it's me\n");
        CHECK_FALSE(sys::exists(bin / "sudo.log"));
    }

    // Unprivileged steps never mention sudo.
    p.privileged = false;
    CHECK(ShellProvisioner(p, 1, cap.console()).run_command("/tmp/s.sh").find("sudo") ==
          std::string::npos);
}

TEST_CASE("output is streamed live, line by line, stdout and stderr apart") {
    LocalRemote remote("web1");
    std::vector<std::string> out, err;
    bool first_line_live = false;
    Console c;
    c.out = [&](std::string_view s) {
        out.emplace_back(s);
        // The first line arrives while the script still sleeps: it was not held back.
        if (out.size() == 1) first_line_live = !sys::exists("/tmp/env-prov-live-done");
    };
    c.err = [&](std::string_view s) { err.emplace_back(s); };
    ::unlink("/tmp/env-prov-live-done");
    auto p = inline_step("live",
                         "printf 'par'; sleep 0.2; printf 'tial\\nsecond\\n'; "
                         "echo oops >&2; sleep 0.5; touch /tmp/env-prov-live-done; "
                         "printf 'no newline'");
    REQUIRE(ShellProvisioner(p, 1, c).provision(machine(), remote));
    ::unlink("/tmp/env-prov-live-done");
    CHECK(out ==
          std::vector<std::string>{"web1: partial\n", "web1: second\n", "web1: no newline\n"});
    CHECK(err == std::vector<std::string>{"web1: oops\n"});
    CHECK(first_line_live);
}

TEST_CASE("a failing script stops with the machine, step, exit status and last lines") {
    LocalRemote remote("web1");
    CapturedConsole cap;
    auto p = inline_step("setup",
                         "for i in $(seq 1 15); do echo line $i; done; "
                         "echo bad >&2; exit 3");
    ShellProvisioner step(p, 2, cap.console());
    auto r = step.provision(machine(), remote);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind() == ErrorKind::Provider);
    std::string want = "web1: provisioner 'setup' failed with exit status 3; last output:";
    for (int i = 7; i <= 15; ++i) want += "\n  line " + std::to_string(i);
    want += "\n  bad";
    CHECK(r.error().message() == want);
    CHECK_FALSE(sys::exists(step.remote_path()));

    auto quiet =
        ShellProvisioner(inline_step("q", "exit 4"), 1, cap.console()).provision(machine(), remote);
    REQUIRE_FALSE(quiet);
    CHECK(quiet.error().message() ==
          "web1: provisioner 'q' failed with exit status 4 and "
          "printed nothing");
}

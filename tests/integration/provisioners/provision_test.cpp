// Provisioning a real SSH server on 127.0.0.1 (the guest is this host, so results are
// checked on the local filesystem): an inline script, a path script with args and env,
// and a file upload, through the Runner and SshRemote.
#include <catch2/catch.hpp>

#include "provisioners/runner.h"
#include "ssh/ssh_remote.h"
#include "tests/integration/ssh/test_server.h"
#include "util/sys.h"

using namespace env;
using namespace env::provisioners;
using namespace env::ssh::test;

TEST_CASE("provisioning over SSH runs scripts with args and env and uploads files", "[root]") {
    auto [kind, with_sftp] =
        GENERATE(std::pair{ServerKind::OpenSsh, true}, std::pair{ServerKind::Dropbear, false});
    if (auto why = TestServer::unavailable(kind); !why.empty()) {
        ENV_SKIP(why);
    }
    TestServer server(kind, with_sftp);
    REQUIRE(server.start());
    auto session = ssh::Session::connect(server.options());
    REQUIRE(session);
    ssh::SshRemote remote(std::move(*session));
    INFO("server: " << (kind == ServerKind::OpenSsh ? "sshd" : "dropbear (no sftp)"));

    const std::string d = server.dir();  // the server's temp dir; removed by its destructor
    REQUIRE(sys::make_dirs(d + "/project/files"));
    REQUIRE(sys::write_file_atomic(d + "/project/setup.sh",
                                   "#!/bin/sh\nprintf '%s|%s|%s\\n' \"$1\" \"$2\" \"$ROLE\" > "
                                   "\"$OUT\"\necho \"setup ran as $(id -u)\"\n",
                                   0644));
    REQUIRE(sys::write_file_atomic(d + "/project/files/motd", "welcome\n"));

    envfile::Machine m;
    m.name = "web1";
    envfile::Provisioner inl;
    inl.name = "hello";
    inl.inline_script = "echo \"it's inline\" > '" + d + "/inline.out'\necho partial; printf end";
    envfile::Provisioner path;
    path.name = "setup";
    path.path = d + "/project/setup.sh";
    path.args = {"two words", "it's"};
    path.env = {{"ROLE", "web \"front\""}, {"OUT", d + "/setup.out"}};
    envfile::Provisioner file;
    file.kind = envfile::Provisioner::Kind::File;
    file.name = "motd";
    file.source = d + "/project/files";
    file.destination = d + "/guest/etc/";
    m.provision = {inl, path, file};

    std::string out, err;
    Console c;
    c.out = [&](std::string_view s) { out.append(s); };
    c.err = [&](std::string_view s) { err.append(s); };
    Runner runner(d + "/state", c);
    auto report = runner.run(m, remote);
    INFO("output:\n" << out << err << "server log:\n" << server.log());
    INFO("error: " << (report ? std::string("none") : report.error().what()));
    REQUIRE(report);

    CHECK(*sys::read_file(d + "/inline.out") == "it's inline\n");
    CHECK(*sys::read_file(d + "/setup.out") == "two words|it's|web \"front\"\n");
    CHECK(*sys::read_file(d + "/guest/etc/files/motd") == "welcome\n");
    CHECK(out.find("web1: partial\nweb1: end\n") != std::string::npos);
    CHECK(out.find("web1: setup ran as 0\n") != std::string::npos);
    CHECK_FALSE(sys::exists("/tmp/env-provision-hello-1.sh"));
    CHECK_FALSE(sys::exists("/tmp/env-provision-setup-2.sh"));
    CHECK(sys::exists(d + "/state/provisioned/setup.done"));

    // A second run skips the once-steps; a failing step reports its exit status and output.
    REQUIRE(sys::write_file_atomic(d + "/inline.out", "kept"));
    REQUIRE(runner.run(m, remote));
    CHECK(*sys::read_file(d + "/inline.out") == "kept");
    envfile::Provisioner bad;
    bad.name = "bad";
    bad.inline_script = "echo about to fail; exit 9";
    m.provision = {bad};
    auto failed = runner.run(m, remote);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message() ==
          "web1: provisioner 'bad' failed with exit status 9; last output:\n  about to fail");
}

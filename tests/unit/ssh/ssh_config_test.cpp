// The ssh-config block carries every option users expect and OpenSSH parses it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>

#include "ssh/ssh_config.h"
#include "util/sys.h"

using namespace env;
using namespace env::ssh;

TEST_CASE("ssh_config_block lists the connection and pinning options", "[ssh]") {
    SshConfigEntry e{"web",
                     "127.0.0.1",
                     2201,
                     "vagrant",
                     "/p/.envstate/web/id_ed25519",
                     "/p/.envstate/web/known_hosts"};
    std::string b = ssh_config_block(e);
    CHECK(b.starts_with("Host web\n"));
    for (const char* want :
         {"  HostName 127.0.0.1\n", "  Port 2201\n", "  User vagrant\n",
          "  IdentityFile /p/.envstate/web/id_ed25519\n", "  IdentitiesOnly yes\n",
          "  UserKnownHostsFile /p/.envstate/web/known_hosts\n", "  StrictHostKeyChecking yes\n",
          "  LogLevel ERROR\n"})
        CHECK(b.find(want) != std::string::npos);
}

TEST_CASE("paths with spaces are quoted", "[ssh]") {
    SshConfigEntry e{"a", "127.0.0.1", 22, "u", "/my projects/id", "/my projects/kh"};
    CHECK(ssh_config_block(e).find("  IdentityFile \"/my projects/id\"\n") != std::string::npos);
}

TEST_CASE("OpenSSH's ssh -G accepts the generated block", "[ssh]") {
    if (::access("/usr/bin/ssh", X_OK) != 0) {
        ENV_SKIP("/usr/bin/ssh missing (openssh-client)");
    }
    char t[] = "/tmp/env-sshcfg-XXXXXX";
    std::string dir = ::mkdtemp(t);
    SshConfigEntry e{"box one", "127.0.0.1", 2299, "root", dir + "/my id", dir + "/kh"};
    e.host_alias = "boxone";
    REQUIRE(sys::write_file_atomic(dir + "/cfg", ssh_config_block(e)));
    FILE* p = ::popen(("ssh -G -F " + dir + "/cfg boxone 2>&1").c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int rc = ::pclose(p);
    (void)sys::remove_tree(dir);
    INFO(out);
    CHECK(rc == 0);
    CHECK(out.find("port 2299\n") != std::string::npos);
    CHECK(out.find("stricthostkeychecking true\n") != std::string::npos);
    CHECK(out.find("identityfile " + dir + "/my id\n") != std::string::npos);
}

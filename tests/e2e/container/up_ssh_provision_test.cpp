// env up -> ssh -> provisioners -> ports -> ssh-config -> halt/up -> provision, on one machine.
#include "tests/e2e/container/e2e_project.h"

using namespace env::test;

TEST_CASE("up boots a machine that ssh, ports, ssh-config and provisioners reach", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    int web = free_port();
    E2eProject p(R"EF(machines:
  m:
    box: busybox
    ports:
      - {guest: 8080, host: )EF" +
                 std::to_string(web) + R"EF(}
    provision:
      - shell:
          name: count
          inline: echo run >> /root/count
      - shell:
          name: web
          inline: mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && httpd -p 8080 -h /www
          run: always
)EF");
    auto up = p.env("up");
    INFO(up.err);
    REQUIRE(up.status == 0);
    CHECK(up.err.find("m: running") != std::string::npos);

    SECTION("ssh runs commands, keeps stdout and stderr apart and returns the status") {
        CHECK(trim(p.ssh("m", "hostname")) == "m");
        auto r = p.env("ssh m -c 'echo out; echo err >&2; exit 7'");
        CHECK(r.status == 7);
        CHECK(r.out == "out\n");
        CHECK(r.err.find("err\n") != std::string::npos);
        auto dashdash = p.env("ssh m -- echo a b");
        CHECK(dashdash.out == "a b\n");
        CHECK(p.env("ssh -- echo only machine").out == "only machine\n");
    }
    SECTION("provisioner ran once, and the ports: forward reaches the guest's server") {
        CHECK(p.ssh("m", "cat /root/count") == "run\n");
        auto r = run("/bin/busybox wget -q -O - http://127.0.0.1:" + std::to_string(web) + "/");
        INFO(r.err);
        CHECK(r.out == "hello from m\n");
        auto port = p.env("port m");
        CHECK(port.out.find("127.0.0.1:" + std::to_string(web)) != std::string::npos);
    }
    SECTION("OpenSSH works with ssh-config, the host key pinned") {
        auto cfg = p.env("ssh-config");
        REQUIRE(cfg.status == 0);
        REQUIRE(env::sys::write_file_atomic(p.tmp() / "ssh_config", cfg.out));
        auto r = run("ssh -F " + p.tmp() / "ssh_config" + " -o BatchMode=yes m hostname");
        INFO(r.err);
        CHECK(r.status == 0);
        CHECK(r.out == "m\n");
    }
    SECTION("halt then up keeps the machine and does not rerun `once`; provision does") {
        auto halt = p.env("halt");
        INFO(halt.err);
        REQUIRE(halt.status == 0);
        CHECK(p.env("status").out.find("stopped") != std::string::npos);
        auto again = p.env("up");
        INFO(again.err);
        REQUIRE(again.status == 0);
        CHECK(p.ssh("m", "cat /root/count") == "run\n");
        // `always` ran again: the server is back.
        auto r = run("/bin/busybox wget -q -O - http://127.0.0.1:" + std::to_string(web) + "/");
        CHECK(r.out == "hello from m\n");
        auto prov = p.env("provision --provision-with count m");
        INFO(prov.err);
        REQUIRE(prov.status == 0);
        CHECK(p.ssh("m", "cat /root/count") == "run\nrun\n");
    }
}

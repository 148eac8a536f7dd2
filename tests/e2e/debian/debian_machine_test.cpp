// The debian-12 box end to end as a container machine: OpenSSH as the server, user `env`
// with passwordless sudo for privileged provisioning, apt-get through the NAT (DNS at
// 10.0.2.3) starting the package's service, which comes back after halt + up, and destroy
// leaving nothing.
#include <cstdlib>

#include "tests/e2e/debian/debian_box.h"

using namespace env::test;

namespace {

std::string http_get(int port) {
    return run("/bin/busybox wget -q -O - http://127.0.0.1:" + std::to_string(port) + "/").out;
}

// Running, as opposed to gone or a zombie (a host whose PID 1 does not reap leaves those).
bool running(int pid) {
    auto status = env::sys::read_file("/proc/" + std::to_string(pid) + "/status").value_or("");
    return !status.empty() && status.find("State:\tZ") == std::string::npos;
}

}  // namespace

TEST_CASE("a debian-12 machine: OpenSSH, sudo provisioning, apt-get over NAT, halt/up, destroy",
          "[root][e2e][debian][slow]") {
    DEBIAN_BOX_OR_SKIP(box);
    int web = free_port();
    E2eProject p(R"EF(version: 1
machines:
  deb:
    box: debian-12
    ports:
      - {guest: 80, host: )EF" + std::to_string(web) +
                     R"EF(}
    provision:
      - shell:
          name: whoami
          inline: id -u > /root/provisioned-as && echo run >> /root/count
      - shell:
          name: nginx
          inline: |
            set -e
            export DEBIAN_FRONTEND=noninteractive
            grep -x 'nameserver 10.0.2.3' /etc/resolv.conf
            apt-get update -q
            apt-get install -y -q nginx-light
            echo "debian $(hostname)" > /var/www/html/index.html
)EF",
                 "debian-12", box.catalog);

    auto up = p.env("up");
    INFO(up.out << up.err);
    REQUIRE(up.status == 0);
    CHECK(up.err.find("deb: running") != std::string::npos);

    // The login user is `env`; the provisioners ran as root through sudo.
    CHECK(trim(p.ssh("deb", "id -un")) == "env");
    CHECK(trim(p.ssh("deb", "sudo -n id -u")) == "0");
    CHECK(trim(p.ssh("deb", "sudo cat /root/provisioned-as")) == "0");
    // apt-get installed a package from the mirror through the NAT and started its server,
    // as on a VM, which answers on the forwarded port.
    CHECK(p.ssh("deb", "dpkg -s nginx-light | grep ^Status:") == "Status: install ok installed\n");
    CHECK(http_get(web) == "debian deb\n");

    // The server is OpenSSH (not dropbear), and OpenSSH's client reaches it with the pinned
    // host key from ssh-config.
    auto cfg = p.env("ssh-config");
    REQUIRE(cfg.status == 0);
    REQUIRE(env::sys::write_file_atomic(p.tmp() / "ssh_config", cfg.out));
    std::string ssh_f = "ssh -F " + p.tmp() / "ssh_config";
    auto login = run(ssh_f + " -o BatchMode=yes deb hostname");
    INFO(login.err);
    CHECK(login.out == "deb\n");
    auto port = trim(run(ssh_f + " -G deb | awk '$1 == \"port\" { print $2 }'").out);
    REQUIRE(!port.empty());
    auto hello = run("bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port + " && head -c 20 <&3'");
    CHECK(hello.out.rfind("SSH-2.0-OpenSSH_", 0) == 0);

    // halt + up: the same machine; `once` provisioners do not run again, and nginx, which
    // its package enabled, is started at boot as on a VM.
    auto halt = p.env("halt");
    INFO(halt.err);
    REQUIRE(halt.status == 0);
    CHECK(p.env("status").out.find("stopped") != std::string::npos);
    CHECK(http_get(web).empty());
    auto again = p.env("up");
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(trim(p.ssh("deb", "sudo cat /root/count")) == "run");
    CHECK(http_get(web) == "debian deb\n");

    // destroy: the supervisor is gone, and so is everything under .envstate.
    // supervisor.pid: {"init":N,"supervisor":N}
    auto pids = env::sys::read_file(p.machine_dir("deb") + "/supervisor.pid").value_or("");
    auto at = pids.find("\"supervisor\":");
    REQUIRE(at != std::string::npos);
    int supervisor = std::atoi(pids.c_str() + at + 13);
    REQUIRE(supervisor > 0);
    auto destroy = p.env("destroy -f");
    INFO(destroy.err);
    REQUIRE(destroy.status == 0);
    CHECK(p.env("status").out.find("not created") != std::string::npos);
    CHECK(!env::sys::exists(p.machine_dir("deb")));
    CHECK(!running(supervisor));
}

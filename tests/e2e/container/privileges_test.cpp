// no_new_privs: on for boxes whose SSH user is root; off for a non-root user, whose
// privileged provisioning needs sudo (setuid) to work.
#include <fstream>

#include "tests/e2e/container/e2e_project.h"

using namespace env::test;

TEST_CASE("a root box runs with no_new_privs, a non-root user's box without", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p(R"EF(machines:
  r:
    box: busybox
  u:
    box: nonroot
)EF");
    // The busybox box with an `env` user who logs in instead of root.
    add_box_variant(p, "nonroot",
                    "echo 'env:x:1000:1000:env:/home/env:/bin/sh' >> rootfs/etc/passwd && "
                    "echo 'env:*:19000:0:99999:7:::' >> rootfs/etc/shadow && "
                    "echo 'env:x:1000:' >> rootfs/etc/group && "
                    "sed -i 's|\"user\": \"root\"|\"user\": \"env\"|; "
                    "s|/root/.ssh/authorized_keys|/home/env/.ssh/authorized_keys|' metadata.json");
    auto up = p.env("up");
    INFO(up.err);
    REQUIRE(up.status == 0);
    CHECK(p.ssh("r", "id -un; grep NoNewPrivs /proc/self/status") == "root\nNoNewPrivs:\t1\n");
    CHECK(p.ssh("u", "id -un; grep NoNewPrivs /proc/self/status") == "env\nNoNewPrivs:\t0\n");
}

TEST_CASE("a container cannot change the host kernel's settings through /proc", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p("machines:\n  m:\n    box: busybox\n");
    auto up = p.env("up");
    INFO(up.err);
    REQUIRE(up.status == 0);
    // kernel.* is the host's: read-only. net.* is the container's own namespace: writable.
    // (Writing the value it already has: harmless should the check ever fail.)
    CHECK(p.ssh("m", "v=$(cat /proc/sys/vm/swappiness); echo $v 2>/dev/null > /proc/sys/vm/swappiness "
                     "&& echo wrote || echo refused") == "refused\n");
    CHECK(p.ssh("m", "echo 1 > /proc/sys/net/ipv4/ip_forward && cat /proc/sys/net/ipv4/ip_forward") ==
          "1\n");
    // Those this kernel has are /dev/null (a character device) inside.
    CHECK(p.ssh("m", "for f in kcore keys timer_list sysrq-trigger; do "
                     "[ -e /proc/$f ] && [ ! -c /proc/$f ] && echo exposed $f; done; echo checked") ==
          "checked\n");
    CHECK(std::ifstream("/proc/sys/net/ipv4/ip_forward").get() != EOF);  // host file untouched
}

TEST_CASE("a machine sees the project at /env but not the keys and state in its .envstate",
          "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p("machines:\n  a:\n    box: busybox\n  b:\n    box: busybox\n");
    auto up = p.env("up");
    INFO(up.err);
    REQUIRE(up.status == 0);
    CHECK(p.ssh("a", "[ -f /env/Envfile ] && echo shared") == "shared\n");
    // b's private key is on the host, in the folder a's /env shows, but not to a.
    REQUIRE(std::ifstream(p.dir() + "/.envstate/machines/b/ssh/id_ed25519").good());
    CHECK(p.ssh("a", "ls -A /env/.envstate | wc -l; touch /env/.envstate/x 2>/dev/null "
                     "&& echo wrote || echo refused") == "0\nrefused\n");
    // The host's view is untouched, and env goes on working from it.
    CHECK(p.env("status").status == 0);
}

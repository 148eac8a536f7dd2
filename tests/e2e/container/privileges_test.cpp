// no_new_privs: on for boxes whose SSH user is root; off for a non-root user, whose
// privileged provisioning needs sudo (setuid) to work.
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

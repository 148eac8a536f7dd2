// What a user sees when provisioning fails or SSH never comes up.
#include "tests/e2e/container/e2e_project.h"

using namespace env::test;

namespace {

// The busybox box with its init replaced by a shell running `script`.
void add_box_with_init(const E2eProject& p, const std::string& name, const std::string& script) {
    add_box_variant(p, name,
                    "sed -i 's|\"init\": \"/sbin/init\"|\"init\": [\"/bin/sh\", \"-c\", "
                    "\"" +
                        script + "\"]|' metadata.json && grep -q '" + script + "' metadata.json");
}

}  // namespace

TEST_CASE("a failing provisioner fails up with its exit status and name", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p(R"EF(machines:
  m:
    box: busybox
    provision:
      - shell: {name: breaks, inline: "echo about to fail; exit 3"}
      - shell: {name: after, inline: "touch /root/after"}
)EF");
    auto up = p.env("up");
    CHECK(up.status != 0);
    CHECK(up.err.find("'breaks' failed with exit status 3") != std::string::npos);
    CHECK(up.err.find("about to fail") != std::string::npos);
    CHECK(p.env("ssh m -c 'test -e /root/after'").status == 1);  // later steps did not run
}

TEST_CASE("a box whose SSH server never starts times out with its console", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p(R"EF(machines:
  m:
    box: nossh
    boot_timeout: 2
)EF");
    // The busybox box with an init that only prints and sleeps.
    add_box_with_init(p, "nossh", "echo no ssh here; exec sleep 1000");
    auto start = std::chrono::steady_clock::now();
    auto up = p.env("up");
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(up.status != 0);
    CHECK(up.err.find("did not answer within 2 s") != std::string::npos);
    CHECK(up.err.find("no ssh here") != std::string::npos);
    CHECK(secs < 15);
}

TEST_CASE("a machine that stops while booting ends the wait at once", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p(R"EF(machines:
  m:
    box: exits
    boot_timeout: 120
)EF");
    add_box_with_init(p, "exits", "echo going away; exit 1");
    auto start = std::chrono::steady_clock::now();
    auto up = p.env("up");
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(up.status == 3);
    CHECK(up.err.find("stopped while waiting for SSH") != std::string::npos);
    CHECK(up.err.find("going away") != std::string::npos);
    CHECK(secs < 20);
}

// cpu_cap and memory from the Envfile, as the machine itself sees them in its cgroup.
#include "tests/e2e/container/e2e_project.h"

using namespace env::test;

TEST_CASE("cpu_cap and memory limits are visible inside the machine", "[root][e2e]") {
    E2E_SKIP_UNLESS_USABLE();
    E2eProject p(R"EF(machines:
  m:
    box: busybox
    cpu_cap: 50%
    memory: 256M
)EF");
    auto up = p.env("up");
    INFO(up.err);
    REQUIRE(up.status == 0);
    // v1 hierarchies or the v2 unified tree, whichever the host has.
    auto mem = trim(p.ssh("m",
                          "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || "
                          "cat /sys/fs/cgroup/memory.max"));
    CHECK(mem == std::to_string(256 << 20));
    auto cpu = trim(p.ssh("m",
                          "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || "
                          "cat /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us 2>/dev/null || "
                          "cut -d' ' -f1 /sys/fs/cgroup/cpu.max"));
    CHECK(cpu == "50000");
}

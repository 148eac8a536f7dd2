#include <catch2/catch.hpp>

#include "host/cgroup.h"

using namespace env::host;

namespace {
// Lines as /proc/self/mountinfo shows them on the development machines (hybrid) and on a
// systemd host (unified).
const char* hybrid =
    "30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 "
    "cgroup2 rw\n"
    "33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:13 - cgroup cgroup rw,cpu,cpuacct\n"
    "34 30 0:30 / /sys/fs/cgroup/cpuset rw,nosuid shared:14 - cgroup cgroup "
    "rw,cpuset,clone_children\n"
    "35 30 0:31 / /sys/fs/cgroup/memory rw,nosuid shared:15 - cgroup cgroup rw,memory\n"
    "36 30 0:32 / /sys/fs/cgroup/pids rw,nosuid shared:16 - cgroup cgroup rw,pids\n"
    "37 30 0:33 / /sys/fs/cgroup/systemd rw shared:17 - cgroup cgroup rw,xattr,name=systemd\n";
const char* unified =
    "26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate\n";
}  // namespace

TEST_CASE("a hybrid host is driven through its v1 hierarchies", "[container]") {
    auto l = detect_cgroup_layout(hybrid).value();
    CHECK_FALSE(l.v2);
    CHECK(l.v1.at("memory").mount_point == "/sys/fs/cgroup/memory");
    CHECK(l.v1.at("cpu").mount_point == "/sys/fs/cgroup/cpu,cpuacct");
    CHECK(l.v1.at("cpu").options == "cpu,cpuacct");
    CHECK(l.v1.at("cpuset").options == "cpuset");
    CHECK(l.v1.size() == 4);
}

TEST_CASE("a unified host is driven through cgroup2", "[container]") {
    auto l = detect_cgroup_layout(unified).value();
    CHECK(l.v2);
    CHECK(l.v2_root == "/sys/fs/cgroup");
}

TEST_CASE("no cgroup filesystem is a clear error", "[container]") {
    auto l = detect_cgroup_layout("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
    REQUIRE_FALSE(l);
    CHECK(l.error().message().find("no cgroup") != std::string::npos);
}

TEST_CASE("v1 inner mounts name each hierarchy once with its exact controllers", "[container]") {
    auto cg = make_cgroup(detect_cgroup_layout(hybrid).value(), "env-p-m");
    auto mounts = cg->inner_mounts();
    CHECK(mounts.size() == 4);
    bool cpu = false;
    for (auto& m : mounts)
        if (m.data == "cpu,cpuacct") cpu = m.target == "sys/fs/cgroup/cpu,cpuacct";
    CHECK(cpu);
    auto paths = cg->paths();
    CHECK(std::find(paths.begin(), paths.end(), "/sys/fs/cgroup/memory/env-p-m") != paths.end());
    CHECK(cgroup_name("proj1234", "web") == "env-proj1234-web");
}

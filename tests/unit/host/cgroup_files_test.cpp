// Both cgroup implementations against a fake tree in a temp dir: which files they write,
// with which values, in which directories. (The real kernel interface is exercised by the
// [root] integration tests on whichever version the host runs.)
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "host/cgroup.h"
#include "unit/container/temp_dir.h"
#include "util/sys.h"

using namespace env;
using namespace env::host;

namespace {
std::string read(const std::string& p) {
    auto t = sys::read_file(p);
    return t ? *t : "<missing>";
}
}  // namespace

TEST_CASE("cgroup v1 writes cpuset, cfs quota, memory (and memsw) and pids per hierarchy",
          "[container]") {
    test::TempDir t;
    CgroupLayout layout;
    for (auto c : {"cpuset", "cpu", "memory", "pids"}) {
        REQUIRE(sys::make_dirs(t.path + "/" + c));
        layout.v1[c] = {t.path + "/" + c, c};
    }
    REQUIRE(sys::write_file_atomic(t.path + "/cpuset/cpuset.mems", "0\n"));
    REQUIRE(sys::write_file_atomic(t.path + "/cpuset/cpuset.cpus", "0-3\n"));
    REQUIRE(sys::make_dirs(t.path + "/memory/env-p-m"));
    REQUIRE(sys::write_file_atomic(t.path + "/memory/env-p-m/memory.memsw.limit_in_bytes", "x"));
    auto cg = make_cgroup_v1(layout, "env-p-m");
    CgroupLimits l{"0-1", 50000, 100000, 64ull << 20, 4096};
    REQUIRE(cg->create(l));
    CHECK(read(t.path + "/cpuset/env-p-m/cpuset.cpus") == "0-1");
    CHECK(read(t.path + "/cpuset/env-p-m/cpuset.mems") == "0");
    CHECK(read(t.path + "/cpu/env-p-m/cpu.cfs_quota_us") == "50000");
    CHECK(read(t.path + "/cpu/env-p-m/cpu.cfs_period_us") == "100000");
    CHECK(read(t.path + "/memory/env-p-m/memory.limit_in_bytes") == "67108864");
    CHECK(read(t.path + "/memory/env-p-m/memory.memsw.limit_in_bytes") == "67108864");
    CHECK(read(t.path + "/pids/env-p-m/pids.max") == "4096");
    CHECK(cg->exists());
}

TEST_CASE("cgroup v1 without a cpu restriction copies the parent's cpus and writes no quota",
          "[container]") {
    test::TempDir t;
    CgroupLayout layout;
    for (auto c : {"cpuset", "cpu", "pids"}) {
        REQUIRE(sys::make_dirs(t.path + "/" + c));
        layout.v1[c] = {t.path + "/" + c, c};
    }
    REQUIRE(sys::write_file_atomic(t.path + "/cpuset/cpuset.mems", "0\n"));
    REQUIRE(sys::write_file_atomic(t.path + "/cpuset/cpuset.cpus", "0-3\n"));
    REQUIRE(make_cgroup_v1(layout, "c")->create(CgroupLimits{}));
    CHECK(read(t.path + "/cpuset/c/cpuset.cpus") == "0-3");
    CHECK(read(t.path + "/cpu/c/cpu.cfs_quota_us") == "-1");
    CHECK(read(t.path + "/pids/c/pids.max") == "max");
}

TEST_CASE(
    "cgroup v2 enables the controllers in the parent and writes cpu.max, memory.max, pids.max",
    "[container]") {
    test::TempDir t;
    REQUIRE(sys::write_file_atomic(t.path + "/cgroup.controllers",
                                   "cpuset cpu io memory hugetlb pids rdma\n"));
    REQUIRE(sys::make_dirs(t.path + "/env-p-m"));
    REQUIRE(sys::write_file_atomic(t.path + "/env-p-m/memory.swap.max", "max"));
    auto cg = make_cgroup_v2(t.path, "env-p-m");
    REQUIRE(cg->create(CgroupLimits{"0", 25000, 100000, 128ull << 20, 100}));
    CHECK(read(t.path + "/cgroup.subtree_control") == "+cpuset +cpu +memory +pids");
    CHECK(read(t.path + "/env-p-m/cpuset.cpus") == "0");
    CHECK(read(t.path + "/env-p-m/cpu.max") == "25000 100000");
    CHECK(read(t.path + "/env-p-m/memory.max") == "134217728");
    CHECK(read(t.path + "/env-p-m/memory.swap.max") == "0");
    CHECK(read(t.path + "/env-p-m/pids.max") == "100");
    CHECK(cg->inner_mounts().size() == 1);
    CHECK(cg->inner_mounts()[0].fstype == "cgroup2");
}

TEST_CASE("cgroup v2 leaves out controllers the host does not offer", "[container]") {
    test::TempDir t;
    REQUIRE(sys::write_file_atomic(t.path + "/cgroup.controllers", "memory pids\n"));
    REQUIRE(make_cgroup_v2(t.path, "c")->create(CgroupLimits{"0", 25000, 100000, 1 << 20, -1}));
    CHECK(read(t.path + "/cgroup.subtree_control") == "+memory +pids");
    CHECK_FALSE(sys::exists(t.path + "/c/cpu.max"));
    CHECK_FALSE(sys::exists(t.path + "/c/cpuset.cpus"));
    CHECK(read(t.path + "/c/pids.max") == "max");
}

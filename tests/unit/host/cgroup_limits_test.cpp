#include <catch2/catch.hpp>

#include "host/cgroup_limits.h"

using namespace env::host;

TEST_CASE("cpus below the host's count become a cpuset of the first CPUs", "[container]") {
    auto l = compute_limits(2, 100, 512ull << 20, 4096, {0, 1, 2, 3}).value();
    CHECK(l.cpuset == "0-1");
    CHECK(l.cpu_quota_us == -1);
    CHECK(l.memory_bytes == 512ull << 20);
    CHECK(l.pids_max == 4096);
}

TEST_CASE("cpus equal to or above the host's count leave cpuset unrestricted", "[container]") {
    CHECK(compute_limits(2, 100, 0, -1, {0, 1}).value().cpuset.empty());
    CHECK(compute_limits(8, 100, 0, -1, {0, 1}).value().cpuset.empty());
}

TEST_CASE("cpu_cap is a CFS quota of cap percent of each allowed CPU", "[container]") {
    auto one = compute_limits(1, 50, 0, -1, {0, 1}).value();
    CHECK(one.cpu_period_us == 100000);
    CHECK(one.cpu_quota_us == 50000);
    auto two = compute_limits(2, 25, 0, -1, {0, 1, 2}).value();
    CHECK(two.cpu_quota_us == 50000);
    // Clamped to the host: 4 vCPUs at 50% on a 2-CPU host is one CPU's worth.
    CHECK(compute_limits(4, 50, 0, -1, {0, 1}).value().cpu_quota_us == 100000);
}

TEST_CASE("limits reject impossible settings", "[container]") {
    CHECK_FALSE(compute_limits(0, 100, 0, -1, {0}));
    CHECK_FALSE(compute_limits(1, 0, 0, -1, {0}));
    CHECK_FALSE(compute_limits(1, 101, 0, -1, {0}));
    CHECK_FALSE(compute_limits(1, 100, 0, -1, {}));
}

TEST_CASE("cpu lists round-trip through the kernel's format", "[container]") {
    CHECK(parse_cpu_list("0-2,4\n").value() == std::vector<int>{0, 1, 2, 4});
    CHECK(parse_cpu_list("3").value() == std::vector<int>{3});
    CHECK(format_cpu_list({4, 0, 1, 2}) == "0-2,4");
    CHECK(format_cpu_list({1, 3, 5}) == "1,3,5");
    CHECK_FALSE(parse_cpu_list("2-1"));
    CHECK_FALSE(parse_cpu_list("a"));
    CHECK_FALSE(parse_cpu_list("1,,2"));
}

#pragma once
// Turns a machine's resource settings (cpus, cpu_cap, memory) into cgroup values. Pure, so
// the arithmetic is unit-tested apart from any cgroup filesystem.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace env::host {

struct CgroupLimits {
    std::string cpuset;         // cpu list such as "0-1"; empty: no restriction
    int64_t cpu_quota_us = -1;  // CFS quota per period; -1: no cap
    int64_t cpu_period_us = 100000;
    uint64_t memory_bytes = 0;  // 0: no limit
    int64_t pids_max = -1;      // -1: no limit
};

// Default pids limit: enough for any service a development machine runs, low enough that
// a fork bomb inside a container cannot exhaust the host's pid space (32768 by default).
inline constexpr int64_t default_pids_max = 4096;

// cpus: how many CPUs the machine may use (clamped to what the host offers, as a VM may
// have more vCPUs than the host has cores but a cpuset cannot); cpu_cap: percent of one
// CPU per vCPU, 100 meaning uncapped.
Result<CgroupLimits> compute_limits(int cpus, int cpu_cap, uint64_t memory_bytes, int64_t pids_max,
                                    const std::vector<int>& host_cpus);

// "0-2,4" <-> {0,1,2,4}: the kernel's cpu list format (cpuset.cpus, /sys/.../online).
Result<std::vector<int>> parse_cpu_list(std::string_view text);
std::string format_cpu_list(const std::vector<int>& cpus);

}  // namespace env::host

#include "host/cgroup_limits.h"

#include <algorithm>
#include <charconv>

namespace env::host {

Result<CgroupLimits> compute_limits(int cpus, int cpu_cap, uint64_t memory_bytes, int64_t pids_max,
                                    const std::vector<int>& host_cpus) {
    if (cpus < 1) return fail(ErrorKind::Invalid, "cpus must be at least 1");
    if (cpu_cap < 1 || cpu_cap > 100) return fail(ErrorKind::Invalid, "cpu_cap must be 1..100");
    if (host_cpus.empty())
        return fail(ErrorKind::Provider, "the host offers no CPUs to the container cgroup");
    CgroupLimits l;
    size_t n = std::min<size_t>(static_cast<size_t>(cpus), host_cpus.size());
    std::vector<int> sorted = host_cpus;
    std::sort(sorted.begin(), sorted.end());
    sorted.resize(n);
    // Restricting to every CPU is no restriction: leave cpuset alone then, which also keeps
    // the container usable when the host later brings more CPUs online.
    if (n < host_cpus.size()) l.cpuset = format_cpu_list(sorted);
    if (cpu_cap < 100) l.cpu_quota_us = l.cpu_period_us * static_cast<int64_t>(n) * cpu_cap / 100;
    l.memory_bytes = memory_bytes;
    l.pids_max = pids_max;
    return l;
}

Result<std::vector<int>> parse_cpu_list(std::string_view text) {
    std::vector<int> out;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    auto bad = [&] { return fail(ErrorKind::Invalid, "bad cpu list '" + std::string(text) + "'"); };
    size_t pos = 0;
    while (pos < text.size()) {
        size_t comma = text.find(',', pos);
        std::string_view item = text.substr(
            pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        pos = comma == std::string_view::npos ? text.size() : comma + 1;
        if (item.empty()) return bad();
        int a = 0, b = 0;
        size_t dash = item.find('-');
        std::string_view first = item.substr(0, dash),
                         second = dash == std::string_view::npos ? first : item.substr(dash + 1);
        auto r1 = std::from_chars(first.data(), first.data() + first.size(), a);
        auto r2 = std::from_chars(second.data(), second.data() + second.size(), b);
        if (r1.ec != std::errc() || r1.ptr != first.data() + first.size() || r2.ec != std::errc() ||
            r2.ptr != second.data() + second.size() || b < a)
            return bad();
        for (int c = a; c <= b; ++c) out.push_back(c);
    }
    return out;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
    std::vector<int> v = cpus;
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    std::string out;
    for (size_t i = 0; i < v.size();) {
        size_t j = i;
        while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
        if (!out.empty()) out += ',';
        out += std::to_string(v[i]);
        if (j > i) out += '-' + std::to_string(v[j]);
        i = j + 1;
    }
    return out;
}

}  // namespace env::host

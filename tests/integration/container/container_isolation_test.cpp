// What a process inside a container machine sees, checked from the host: its namespaces,
// hostname, the overlay, /dev, a read-only /sys, its capabilities, its cgroup limits.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "container_fixture.h"
#include "host/cgroup.h"
#include "util/sys.h"

using namespace env;
using namespace std::chrono;

namespace {

const char* probe_script = R"(o=/env/out; mkdir -p $o
ps -o pid,comm > $o/ps
cat /proc/1/cmdline > $o/cmdline1
cat /etc/hostname /etc/resolv.conf > $o/etc
grep -c box-m1 /etc/hosts >> $o/etc
hostname > $o/hostname
cat /proc/self/status > $o/status
for n in null zero full random urandom tty console; do test -c /dev/$n && echo $n; done > $o/chardevs
test -c /dev/pts/ptmx && echo ptmx >> $o/chardevs
test -L /dev/ptmx && echo ptmx-link >> $o/chardevs
grep -q ' /dev/shm tmpfs' /proc/mounts && echo shm >> $o/chardevs
echo x > /dev/null && head -c 4 /dev/zero | wc -c > $o/zero
touch /sys/kernel/probe 2> /dev/null; echo $? > $o/sys_rc
grep ' /sys ' /proc/mounts > $o/sys_mount
cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max > $o/memory 2> /dev/null
cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us /sys/fs/cgroup/cpu.max > $o/cpu 2> /dev/null
cat /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpuset.cpus > $o/cpuset 2> /dev/null
cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max > $o/pids 2> /dev/null
cat /proc/self/cgroup > $o/cgroup
touch /sys/fs/cgroup/memory/x /sys/fs/cgroup/x 2> /dev/null; echo $? > $o/cgroup_rc
ip addr > $o/ip; ip route > $o/route
echo written-inside > /inside.txt
ls /env > $o/env_ls
touch $o/done
exec sleep 100000
)";

std::string ns_of(const std::string& pid, const char* ns) {
    char buf[256];
    ssize_t n = ::readlink(("/proc/" + pid + "/ns/" + ns).c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

}  // namespace

TEST_CASE("a container machine is isolated, limited and sees only its own overlay",
          "[root][container]") {
    if (auto why = test::container_skip_reason(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    test::ContainerMachine m(probe_script);
    REQUIRE(sys::write_file_atomic(m.project_dir + "/from-host.txt", "hello"));
    auto t0 = steady_clock::now();
    auto up = m.provider->up(m.ctx);
    auto up_ms = duration<double, std::milli>(steady_clock::now() - t0).count();
    INFO(m.read(".envstate/machines/m1/supervisor.log"));
    REQUIRE(up);
    REQUIRE(m.wait_for("out/done"));
    auto ready_ms = duration<double, std::milli>(steady_clock::now() - t0).count();
    auto st = m.provider->status(m.ctx);
    REQUIRE(st);
    std::string init = std::to_string(st->init);

    // Namespaces: all six differ from ours.
    for (auto ns : {"pid", "mnt", "uts", "ipc", "net", "cgroup"}) {
        INFO(ns);
        CHECK(ns_of(init, ns) != ns_of("self", ns));
        CHECK_FALSE(ns_of(init, ns).empty());
    }
    // pid namespace: pid 1 (our init), the shell's exec'd ps, nothing of the host.
    auto ps = m.read("out/ps");
    INFO(ps);
    CHECK(std::count(ps.begin(), ps.end(), '\n') <= 4);
    CHECK(ps.find("\n    1 ") != std::string::npos);
    CHECK(ps.find("    1 init") != std::string::npos);
    CHECK(m.read("out/cmdline1").find(m.state_dir) == std::string::npos);  // no host path inside
    CHECK(m.read("out/hostname") == "box-m1\n");
    CHECK(m.read("out/etc") == "box-m1\nnameserver 10.0.2.3\n1\n");

    // Capabilities: the bounding set is Docker's plus NET_ADMIN, no_new_privs is on.
    auto status = m.read("out/status");
    CHECK(status.find("CapBnd:\t00000000a80435fb") != std::string::npos);
    CHECK(status.find("CapEff:\t00000000a80435fb") != std::string::npos);
    CHECK(status.find("NoNewPrivs:\t1") != std::string::npos);
    auto host_status = sys::read_file("/proc/" + init + "/status").value_or("");
    CHECK(host_status.find("CapBnd:\t00000000a80435fb") != std::string::npos);

    // /dev: exactly the minimal set, working.
    CHECK(m.read("out/chardevs") ==
          "null\nzero\nfull\nrandom\nurandom\ntty\nconsole\nptmx\nptmx-link\nshm\n");
    CHECK(m.read("out/zero") == "4\n");

    // /sys is read-only.
    CHECK(m.read("out/sys_rc") != "0\n");
    CHECK(m.read("out/sys_mount").find(" ro,") != std::string::npos);

    // cgroups: limits written on the host and seen from inside; the cgroup namespace makes
    // the machine's cgroup its root; the inner cgroup mount is read-only.
    CHECK(m.read("out/memory") == std::to_string(64ull << 20) + "\n");
    auto cpu = m.read("out/cpu");
    CHECK((cpu == "50000\n" || cpu == "50000 100000\n"));
    CHECK(m.read("out/pids") == "4096\n");
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1) CHECK(m.read("out/cpuset") == "0\n");  // cpus: 1
    CHECK(m.read("out/cgroup").find(m.cgroup()) == std::string::npos);
    CHECK(m.read("out/cgroup_rc") != "0\n");
    auto host_cgroup = sys::read_file("/proc/" + init + "/cgroup").value_or("");
    CHECK(host_cgroup.find("/" + m.cgroup()) != std::string::npos);

    // Network: eth0 with the NAT address and the default route through the NAT gateway.
    CHECK(m.read("out/ip").find("inet 10.0.2.15/24") != std::string::npos);
    CHECK(m.read("out/route").find("default via 10.0.2.2 dev eth0") != std::string::npos);

    // Overlay: the write went to upper, the box is untouched; the project is at /env.
    CHECK(sys::read_file(m.state_dir + "/upper/inside.txt").value_or("") == "written-inside\n");
    CHECK_FALSE(sys::exists(m.box_dir + "/rootfs/inside.txt"));
    CHECK(m.read("out/env_ls").find("from-host.txt") != std::string::npos);

    auto t1 = steady_clock::now();
    REQUIRE(m.provider->destroy(m.ctx));
    auto destroy_ms = duration<double, std::milli>(steady_clock::now() - t1).count();
    std::fprintf(
        stderr,
        "container timing: up %.1f ms (init running), script done %.1f ms, destroy %.1f ms\n",
        up_ms, ready_ms, destroy_ms);
    CHECK(m.provider->state(m.ctx).value() == provider::MachineState::NotCreated);
    CHECK(m.leftovers().empty());
    CHECK_FALSE(test::pid_alive(st->init));
    CHECK_FALSE(test::pid_alive(st->supervisor));
}

// examples/busybox-lab as a user runs it: host-only, internal and bridged networks, names,
// resource caps seen from inside, and nothing left on the host after destroy. Everything
// happens in a network namespace of the test's own (the test re-runs itself under
// `unshare -n`): bridges, veths and the SSH forwards on 127.0.0.1 all live there.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/e2e/container/e2e_project.h"

using namespace env::test;

namespace {

constexpr const char* kInNetns = "ENV_LAB_TEST_IN_NETNS";

// Runs the current test again in a new network namespace; false when this already is it.
bool rerun_in_own_netns(const std::string& test_name) {
    if (std::getenv(kInNetns)) return false;
    char exe[4096];
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    REQUIRE(n > 0);
    exe[n] = 0;
    auto r = run(std::string("unshare -n env ") + kInNetns + "=1 " + exe + " '" + test_name + "'");
    INFO(r.out << r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find("All tests passed") != std::string::npos);  // it ran, it was not filtered
    std::printf("%s", r.out.c_str());
    return true;
}

std::string sh(const std::string& cmd) {
    auto r = run(cmd);
    INFO(cmd << ": " << r.err);
    REQUIRE(r.status == 0);
    return r.out;
}

std::string json_field(const std::string& file, const char* key) {
    auto j = nlohmann::json::parse(env::sys::read_file(file).value_or("{}"), nullptr, false);
    return j.is_object() && j.contains(key) ? j[key].dump() : "";
}

// Runs a shell command when the scope ends, failed assertions included.
struct AtExit {
    std::string cmd;
    ~AtExit() { (void)run(cmd); }
};

bool process_gone(int pid) {
    if (pid <= 0 || ::kill(pid, 0) != 0) return true;
    auto stat = env::sys::read_file("/proc/" + std::to_string(pid) + "/stat").value_or("");
    auto close = stat.rfind(')');
    return close == std::string::npos || stat.substr(close + 2, 1) == "Z";  // a zombie is gone
}

}  // namespace

// No commas in the name: Catch reads the re-run's filter as a list.
TEST_CASE("busybox lab: every network type plus names and caps work and destroy leaves nothing",
          "[root][e2e][lab]") {
    E2E_SKIP_UNLESS_USABLE();
    if (run("command -v unshare && command -v ip && command -v curl").status != 0) {
        ENV_SKIP("needs unshare (util-linux), ip (iproute2) and curl");
    }
    if (rerun_in_own_netns(Catch::getResultCapture().getCurrentTestName())) return;

    // The namespace's loopback (SSH forwards) and the bridged network's uplink: one end of a
    // veth pair (this kernel has no dummy links); the other end plays the LAN's router.
    sh("ip link set lo up && ip link add labuplink0 type veth peer name labpeer0 && "
       "ip addr add 192.168.78.1/24 dev labpeer0 && ip link set labuplink0 up && "
       "ip link set labpeer0 up");
    // The LAN's DHCP server, for db's bridged NIC: busybox udhcpd on the router's end, with
    // 4-second leases so that db's supervisor renews while the test runs (T1 2 s).
    env::test::TempDir lan;
    REQUIRE(
        env::sys::write_file_atomic(lan / "udhcpd.conf",
                                    "start 192.168.78.50\nend 192.168.78.60\ninterface labpeer0\n"
                                    "lease_file " +
                                        lan / "leases" + "\npidfile " + lan / "pid" +
                                        "\noption subnet 255.255.255.0\noption lease 4\n"));
    sh("touch " + lan / "leases" + " && busybox udhcpd -a 100 " + lan / "udhcpd.conf");
    AtExit stop_lan{"kill $(cat " + lan / "pid" + ") 2>/dev/null"};
    auto envfile =
        env::sys::read_file(std::string(ENV_SOURCE_DIR) + "/examples/busybox-lab/Envfile");
    REQUIRE(envfile);
    E2eProject p(*envfile);

    auto t0 = std::chrono::steady_clock::now();
    auto up = p.env("up");
    auto up_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    INFO(up.out << up.err);
    REQUIRE(up.status == 0);
    std::printf("busybox lab: env up (2 machines, 3 networks, provisioning) took %lld ms\n",
                static_cast<long long>(up_ms));

    // host-only: the host holds .1 and reaches web's httpd.
    CHECK(sh("ip -4 -o addr show").find("192.168.77.1/24") != std::string::npos);
    CHECK(sh("curl -sS -m 3 http://192.168.77.10/") == "web web\n");
    // DHCP on host-only: db leased .100 (the pool's start) from its supervisor's server.
    CHECK(trim(p.ssh("db", "ip -4 -o addr show eth2 | grep -o '192.168.77.[0-9]*/24'")) ==
          "192.168.77.100/24");
    CHECK(sh("curl -sS -m 3 http://192.168.77.100/") == "db db\n");
    // internal: no host address on it, nothing reaches it from the host...
    CHECK(sh("ip -4 -o addr show").find("10.77.0.") == std::string::npos);
    CHECK(run("curl -sS -m 2 http://10.77.0.20/").status != 0);
    // ...but the machines reach each other over it, by name.
    CHECK(p.ssh("db", "timeout 5 wget -qO- http://web/") == "web web\n");
    CHECK(p.ssh("web", "timeout 5 wget -qO- http://db/") == "db db\n");
    CHECK(trim(p.ssh("db", "ping -c1 -W2 web >/dev/null && echo ok")) == "ok");
    // bridged: web is on the uplink's segment, reachable from the LAN side and reaching it.
    CHECK(sh("curl -sS -m 3 http://192.168.78.10/") == "web web\n");
    CHECK(trim(p.ssh("web", "ping -c1 -W2 192.168.78.1 >/dev/null && echo ok")) == "ok");
    // bridged with DHCP: db's lease came from the LAN's server (its pool is .50-.60).
    auto lan_ip = trim(p.ssh("db", "ip -4 -o addr show eth3 | awk \"{print \\$4}\" | cut -d/ -f1"));
    INFO("db's LAN address: " << lan_ip);
    int last = std::atoi(lan_ip.c_str() + std::min<size_t>(lan_ip.size(), 11));
    CHECK((last >= 50 && last <= 60));
    CHECK(sh("curl -sS -m 3 http://" + lan_ip + "/") == "db db\n");
    // `env status` lists each machine's addresses, static and leased, as containerlab does.
    auto status = p.env("status");
    INFO(status.out);
    CHECK(status.out.find("192.168.77.10 (front), 10.77.0.10 (back), 192.168.78.10 (lan)") !=
          std::string::npos);
    CHECK(status.out.find("10.77.0.20 (back), 192.168.77.100 (front), " + lan_ip + " (lan)") !=
          std::string::npos);

    // Caps from inside: cpus: 1 -> one CPU; cpu_cap 50% -> a 2 s busy loop gets about 1 s of
    // CPU; memory 64M -> an allocation past it is killed inside, the machine lives on.
    CHECK(trim(p.ssh("web", "nproc")) == "1");
    auto times = p.ssh("web", "time -p timeout 2 sh -c \"while :; do :; done\" 2>&1; true");
    double user = 0, sys_s = 0;
    if (auto u = times.find("user "); u != std::string::npos)
        user = std::atof(times.c_str() + u + 5);
    if (auto s = times.find("sys "); s != std::string::npos)
        sys_s = std::atof(times.c_str() + s + 4);
    INFO("busy loop under cpu_cap 50%: " << times);
    CHECK(user + sys_s > 0.2);  // it ran (the host may be busy: no tighter floor)
    CHECK(user + sys_s < 1.3);  // uncapped it would be 2 s
    auto oom = p.env("ssh db -c 'dd if=/dev/zero of=/dev/null bs=100M count=1; echo status $?'");
    INFO(oom.out << oom.err);
    CHECK(oom.out.find("status 137") != std::string::npos);
    CHECK(trim(p.ssh("db", "echo alive")) == "alive");

    // The 4-second LAN lease outlived two renewals (at 2 and 4 s) and db still holds it.
    auto renewed = [&] {
        auto log = env::sys::read_file(p.machine_dir("db") + "/supervisor.log").value_or("");
        size_t n = 0;
        for (auto at = log.find(" renewed for "); at != std::string::npos;
             at = log.find(" renewed for ", at + 1))
            ++n;
        return n;
    };
    for (int i = 0; i < 60 && renewed() < 2; ++i) ::usleep(100'000);
    CHECK(renewed() >= 2);
    std::printf("busybox lab: db's 4 s LAN lease renewed %zu times\n", renewed());
    CHECK(trim(p.ssh("db", "ip -4 -o addr show eth3 | awk \"{print \\$4}\" | cut -d/ -f1")) ==
          lan_ip);

    // The LAN's server restarts with another pool and no memory of db's lease: it ignores
    // db's renewals (RFC 2131 4.3.2: no answer in RENEWING or REBINDING), so at the expiry
    // db drops the address, DISCOVERs and gets one of the new pool, recorded in leases.json.
    auto swap_at = std::chrono::steady_clock::now();
    sh("kill $(cat " + lan / "pid" + ") && while kill -0 $(cat " + lan / "pid" +
       ") 2>/dev/null; do sleep 0.05; done");
    REQUIRE(env::sys::write_file_atomic(
        lan / "udhcpd2.conf",
        "start 192.168.78.70\nend 192.168.78.80\ninterface labpeer0\nlease_file " +
            lan / "leases2" + "\npidfile " + lan / "pid" +
            "\noption subnet 255.255.255.0\noption lease 60\n"));
    sh("touch " + lan / "leases2" + " && busybox udhcpd -a 100 " + lan / "udhcpd2.conf");
    auto leased_eth3 = [&] { return json_field(p.machine_dir("db") + "/leases.json", "eth3"); };
    for (int i = 0; i < 80 && leased_eth3().find("192.168.78.7") == std::string::npos; ++i)
        ::usleep(100'000);
    auto new_ip = leased_eth3();
    INFO("db's leases.json after the swap: " << new_ip);
    REQUIRE(new_ip.size() > 2);
    new_ip = new_ip.substr(1, new_ip.size() - 2);
    last = std::atoi(new_ip.c_str() + std::min<size_t>(new_ip.size(), 11));
    CHECK((last >= 70 && last <= 80));
    std::printf("busybox lab: db moved from %s to %s %lld ms after its LAN server forgot it\n",
                lan_ip.c_str(), new_ip.c_str(),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - swap_at)
                                           .count()));
    CHECK(trim(p.ssh("db", "ip -4 -o addr show eth3 | awk \"{print \\$4}\"")) ==
          new_ip + "/24");  // the old address is gone from the link
    CHECK(sh("curl -sS -m 3 http://" + new_ip + "/") == "db db\n");

    // A restart keeps the DHCP lease; a halted machine's veths go, its network stays.
    auto links_up = sh("ip -o link show | wc -l");
    REQUIRE(p.env("halt -f db").status == 0);
    CHECK(std::atoi(sh("ip -o link show | wc -l").c_str()) ==
          std::atoi(links_up.c_str()) - 2);  // back, front (its macvlan was inside)
    CHECK(sh("ip -o link show").find(" envb") != std::string::npos);
    auto again = p.env("up db");
    INFO(again.err);
    REQUIRE(again.status == 0);
    CHECK(sh("curl -sS -m 3 http://192.168.77.100/") == "db db\n");
    CHECK(p.ssh("web", "timeout 5 wget -qO- http://db/") == "db db\n");

    // A second project claiming an overlapping subnet gets a clear error and makes nothing.
    env::test::TempDir other;
    REQUIRE(env::sys::write_file_atomic(other / "Envfile", R"EF(networks:
  clash: {type: internal, subnet: 10.77.0.0/16}
machines:
  x:
    box: busybox
    networks: [{network: clash, ip: 10.77.9.9}]
)EF"));
    auto links_before = sh("ip -o link show | wc -l");
    auto clash = run("cd " + other.path + " && ENV_HOME=" + p.home() + " " + env_binary() + " up");
    INFO(clash.err);
    CHECK(clash.status != 0);
    CHECK(clash.err.find("overlaps network 'back' (10.77.0.0/24)") != std::string::npos);
    CHECK(sh("ip -o link show | wc -l") == links_before);
    CHECK_FALSE(env::sys::exists(other / ".envstate/machines/x/machine.json"));
    CHECK(run("cd " + other.path + " && ENV_HOME=" + p.home() + " " + env_binary() + " destroy -f")
              .status == 0);

    // destroy leaves nothing: links, cgroups, mounts, processes, subnet claims.
    std::vector<std::string> cgroups;
    std::vector<int> supervisors;
    for (auto m : {"web", "db"}) {
        auto cg = json_field(p.machine_dir(m) + "/state.json", "cgroup");
        REQUIRE(cg.size() > 2);
        cgroups.push_back(cg.substr(1, cg.size() - 2));
        supervisors.push_back(std::atoi(
            env::sys::read_file(p.machine_dir(m) + "/supervisor.pid").value_or("0").c_str()));
    }
    auto down = p.env("destroy -f");
    INFO(down.err);
    REQUIRE(down.status == 0);
    CHECK(sh("ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\\n' ' '") ==
          "labpeer0 labuplink0 lo ");
    for (auto& cg : cgroups)
        CHECK(run("find /sys/fs/cgroup -maxdepth 2 -name '" + cg + "' | grep -q .").status != 0);
    CHECK(sh("cat /proc/self/mountinfo").find(p.dir()) == std::string::npos);
    for (int pid : supervisors) CHECK(process_gone(pid));
    CHECK(json_field(p.home() + "/networks.json", "networks") == "[]");
    CHECK(run("ls " + p.home() + "/dhcp/*.json").status != 0);  // the lease file went too
    CHECK_FALSE(env::sys::exists(p.dir() + "/.envstate"));      // as before the first up
    sh("ip link del labuplink0");
}

// Machines brought up and destroyed at once (the default) share their networks' bridges,
// claims, leases and hosts files: nothing may be left, round after round.
TEST_CASE("busybox lab: four machines on shared networks up and destroyed at once leave nothing",
          "[root][e2e][lab]") {
    E2E_SKIP_UNLESS_USABLE();
    if (run("command -v unshare && command -v ip").status != 0) {
        ENV_SKIP("needs unshare (util-linux) and ip (iproute2)");
    }
    if (rerun_in_own_netns(Catch::getResultCapture().getCurrentTestName())) return;
    sh("ip link set lo up");
    E2eProject p(R"EF(networks:
  front: {type: host-only, subnet: 192.168.79.0/24, dhcp: true}
  back: {type: internal, subnet: 10.79.0.0/24}
machines:
  m${i}:
    for: {i: 1..4}
    box: busybox
    networks:
      - {network: front}
      - {network: back, ip: "10.79.0.${10 + i}"}
)EF");
    for (int round = 0; round < 3; ++round) {
        auto up = p.env("up");
        INFO("round " << round << ": " << up.err);
        REQUIRE(up.status == 0);
        CHECK(p.ssh("m1", "ping -c1 -W2 m4 >/dev/null && echo ok") == "ok\n");  // names
        auto down = p.env("destroy -f");
        INFO(down.err);
        REQUIRE(down.status == 0);
        CHECK(sh("ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | tr '\\n' ' '") ==
              "lo ");
        CHECK(json_field(p.home() + "/networks.json", "networks") == "[]");
        CHECK_FALSE(env::sys::exists(p.dir() + "/.envstate"));
    }
}

// examples/haproxy-lab end to end, as its Envfile's comments promise: round robin over
// web1..web3 through the virtual IP from the host side of the host-only network, `env halt
// lb1` and lb2 answers on the VIP within seconds, `env up lb1` and lb1 takes it back, and
// lb2 takes over again when lb1 is killed without a goodbye (`halt -f`).
// Runs in its own network namespace (the lab's bridge and veths never touch the host's);
// apt in the machines reaches the mirror through NetnsRelay.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "tests/e2e/debian/debian_box.h"
#include "tests/e2e/haproxy/netns_relay.h"

using namespace env::test;
using Clock = std::chrono::steady_clock;

namespace {

const std::string vip = "192.168.56.100";

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// One GET from the namespace's host side; "" when nothing answered within 3 s (a SYN to a
// MAC that is gone would otherwise wait for TCP's retries).
std::string get(const NetnsRelay& ns, const std::string& url) {
    return trim(run(ns.wrap() + " timeout 3 /bin/busybox wget -q -O - " + url).out);
}

// Polls every 200 ms until `ok` or the deadline; returns whether it became true.
template <class F>
bool wait_for(double timeout_s, F ok) {
    auto start = Clock::now();
    while (seconds_since(start) < timeout_s) {
        if (ok()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return ok();
}

bool holds_vip(const E2eProject& p, const std::string& machine) {
    return p.env("ssh " + machine + " -c 'ip -o -4 addr show'").out.find(" " + vip + "/") !=
           std::string::npos;
}

}  // namespace

TEST_CASE("haproxy lab: round robin through the VIP, lb2 takes it when lb1 halts, lb1 back on up",
          "[root][e2e][netns][haproxy][slow]") {
    DEBIAN_BOX_OR_SKIP(box);
    std::string src = ENV_SOURCE_DIR;
    auto mirror = trim(run(". " + src + "/boxes/lib/apt_sources.sh && apt_mirror bookworm").out);
    if (mirror.rfind("http://", 0) != 0) {
        ENV_SKIP("the relay speaks plain HTTP; the host's bookworm mirror is '" << mirror << "'");
    }
    // http://HOST[:PORT]/PATH
    auto authority = mirror.substr(7, mirror.find('/', 7) - 7);
    auto colon = authority.find(':');
    std::string host = authority.substr(0, colon);
    std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    NetnsRelay ns("envhap" + std::to_string(::getpid()), host, port);
    REQUIRE(ns.ok());

    // The example's Envfile, with one provisioner first that points apt at the relay.
    auto envfile = env::sys::read_file(src + "/examples/haproxy-lab/Envfile").value_or("");
    std::string anchor = "\nprovision:\n";
    auto at = envfile.find(anchor + "  - shell:\n      name: apt-update");
    REQUIRE(at != std::string::npos);
    envfile.insert(at + anchor.size(),
                   "  - shell:\n      name: apt-relay\n      inline: echo 'Acquire::http::Proxy "
                   "\"http://10.0.2.2:" +
                       std::to_string(ns.port()) + "/\";' > /etc/apt/apt.conf.d/00relay\n");
    E2eProject p(envfile, "debian-12", box.catalog, ns.wrap());
    REQUIRE(run("cp -r " + src + "/examples/haproxy-lab/scripts " + p.dir()).status == 0);

    auto start = Clock::now();
    auto up = p.env("up");
    double up_s = seconds_since(start);
    INFO(up.out << up.err);
    REQUIRE(up.status == 0);
    WARN("haproxy-lab: env up of 5 machines took " << up_s << " s");

    // Round robin: once HAProxy's health checks see all three (2 checks, 2 s apart), six
    // requests through the VIP name each server twice, in turn.
    REQUIRE(wait_for(20, [&] {
        std::set<std::string> seen;
        for (int i = 0; i < 3; ++i) seen.insert(get(ns, "http://" + vip + "/whoami"));
        return seen == std::set<std::string>{"web1", "web2", "web3"};
    }));
    std::vector<std::string> names;
    for (int i = 0; i < 6; ++i) names.push_back(get(ns, "http://" + vip + "/whoami"));
    INFO(names[0] << " " << names[1] << " " << names[2] << " " << names[3] << " " << names[4] << " "
                  << names[5]);
    CHECK(std::set<std::string>(names.begin(), names.begin() + 3) ==
          std::set<std::string>{"web1", "web2", "web3"});
    for (int i = 0; i < 3; ++i) CHECK(names[i] == names[i + 3]);
    // lb1 (priority 150) holds the VIP. The balancers are provisioned side by side, so lb2's
    // keepalived may start first and be master for the moments until lb1 preempts it, as
    // after `up lb1` below.
    CHECK(wait_for(10, [&] { return holds_vip(p, "lb1") && !holds_vip(p, "lb2"); }));
    // The forwarded ports reach each balancer's HAProxy from 127.0.0.1.
    CHECK(get(ns, "http://127.0.0.1:8080/whoami").rfind("web", 0) == 0);
    CHECK(get(ns, "http://127.0.0.1:8081/whoami").rfind("web", 0) == 0);

    // Failover: lb1 halts, lb2 takes the VIP (keepalived adverts once a second).
    auto halt = p.env("halt lb1");
    INFO(halt.err);
    REQUIRE(halt.status == 0);
    auto halted = Clock::now();
    bool answered = wait_for(15, [&] { return !get(ns, "http://" + vip + "/whoami").empty(); });
    double failover_s = seconds_since(halted);
    REQUIRE(answered);
    WARN("haproxy-lab: the VIP answered again " << failover_s << " s after `env halt lb1`");
    CHECK(failover_s < 10);
    CHECK(holds_vip(p, "lb2"));
    std::set<std::string> after;
    for (int i = 0; i < 3; ++i) after.insert(get(ns, "http://" + vip + "/whoami"));
    CHECK(after == std::set<std::string>{"web1", "web2", "web3"});

    // lb1 comes back: HAProxy and keepalived start at boot and it takes the VIP back.
    auto back = p.env("up lb1");
    INFO(back.err);
    REQUIRE(back.status == 0);
    CHECK(wait_for(20, [&] { return holds_vip(p, "lb1") && !holds_vip(p, "lb2"); }));
    CHECK(wait_for(10, [&] { return !get(ns, "http://" + vip + "/whoami").empty(); }));

    // A hard stop (`halt -f`: SIGKILL, no VRRP goodbye): lb2 takes over once lb1's adverts
    // stop, after keepalived's master-down interval (3 adverts + skew, about 3.5 s).
    auto kill = p.env("halt -f lb1");
    INFO(kill.err);
    REQUIRE(kill.status == 0);
    auto killed = Clock::now();
    bool took_over = wait_for(15, [&] { return holds_vip(p, "lb2"); });
    CHECK(wait_for(10, [&] { return !get(ns, "http://" + vip + "/whoami").empty(); }));
    double hard_s = seconds_since(killed);
    CHECK(took_over);
    WARN("haproxy-lab: after `env halt -f lb1` the VIP answered through lb2 in " << hard_s << " s");
    CHECK(hard_s < 15);

    // destroy removes the lab's bridge and veths with the machines.
    auto destroy = p.env("destroy -f");
    INFO(destroy.err);
    REQUIRE(destroy.status == 0);
    auto links = run(ns.wrap() + " ip -o link").out;
    INFO(links);
    CHECK(links.find("envb") == std::string::npos);
    CHECK(std::count(links.begin(), links.end(), '\n') == 1);  // lo only
}

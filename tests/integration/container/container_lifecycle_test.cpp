// A container machine's life: up, halt, up again, crash, recover, destroy; and what each
// step leaves behind.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include <chrono>
#include <thread>

#include "container_fixture.h"
#include "util/sys.h"

using namespace env;
using namespace std::chrono;
using provider::MachineState;

namespace {

// Counts boots in the machine's own filesystem and reports each to the host.
const char* boot_counter = R"(mkdir -p /env/out
n=$(cat /boot-count 2> /dev/null || echo 0); n=$((n + 1)); echo $n > /boot-count
touch /env/out/boot-$n
exec sleep 100000
)";

#define SKIP_UNLESS_USABLE()                                      \
    if (auto why = test::container_skip_reason(); !why.empty()) { \
        ENV_SKIP(why);                                            \
    }

}  // namespace

TEST_CASE(
    "state tells not created, running and stopped apart, and halt then up keeps the machine's "
    "files",
    "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m(boot_counter);
    CHECK(m.provider->state(m.ctx).value() == MachineState::NotCreated);
    REQUIRE(m.provider->up(m.ctx));
    CHECK(m.provider->state(m.ctx).value() == MachineState::Running);
    REQUIRE(m.wait_for("out/boot-1"));
    auto first = m.provider->status(m.ctx).value();

    // up on a running machine changes nothing.
    REQUIRE(m.provider->up(m.ctx));
    CHECK(m.provider->status(m.ctx).value().supervisor == first.supervisor);

    auto t0 = steady_clock::now();
    REQUIRE(m.provider->halt(m.ctx, false));
    auto halt_ms = duration<double, std::milli>(steady_clock::now() - t0).count();
    CHECK(halt_ms < 1500);  // SIGTERM sufficed: well under the 2 s stop timeout
    CHECK(m.provider->state(m.ctx).value() == MachineState::Stopped);
    CHECK_FALSE(test::pid_alive(first.init));
    CHECK_FALSE(test::pid_alive(first.supervisor));
    CHECK(m.leftovers().empty());  // a stopped machine holds no cgroup, process or mount
    CHECK(sys::read_file(m.state_dir + "/upper/boot-count").value_or("") == "1\n");

    REQUIRE(m.provider->up(m.ctx));
    CHECK(m.provider->state(m.ctx).value() == MachineState::Running);
    REQUIRE(m.wait_for("out/boot-2"));
    CHECK(sys::read_file(m.state_dir + "/upper/boot-count").value_or("") == "2\n");

    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.provider->state(m.ctx).value() == MachineState::NotCreated);
    CHECK_FALSE(sys::exists(m.state_dir));
    CHECK(m.leftovers().empty());
    REQUIRE(m.provider->destroy(m.ctx));  // idempotent
}

TEST_CASE(
    "a supervisor killed with -9 is seen as crashed, its container dies, up recovers, destroy "
    "cleans up",
    "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m(boot_counter);
    REQUIRE(m.provider->up(m.ctx));
    REQUIRE(m.wait_for("out/boot-1"));
    auto st = m.provider->status(m.ctx).value();
    REQUIRE(::kill(st.supervisor, SIGKILL) == 0);
    auto deadline = steady_clock::now() + seconds(2);
    while (test::pid_alive(st.supervisor) && steady_clock::now() < deadline)
        std::this_thread::sleep_for(milliseconds(1));
    CHECK(m.provider->state(m.ctx).value() == MachineState::Crashed);
    while (test::pid_alive(st.init) && steady_clock::now() < deadline)
        std::this_thread::sleep_for(milliseconds(1));
    CHECK_FALSE(test::pid_alive(st.init));  // no unsupervised container

    REQUIRE(m.provider->up(m.ctx));
    CHECK(m.provider->state(m.ctx).value() == MachineState::Running);
    REQUIRE(m.wait_for("out/boot-2"));  // same machine, its files kept

    st = m.provider->status(m.ctx).value();
    REQUIRE(::kill(st.supervisor, SIGKILL) == 0);
    while (test::pid_alive(st.supervisor)) std::this_thread::sleep_for(milliseconds(1));
    CHECK(m.provider->state(m.ctx).value() == MachineState::Crashed);
    CHECK(sys::exists("/sys/fs/cgroup/pids/" + m.cgroup()) ==
          sys::exists("/sys/fs/cgroup/pids"));  // left behind
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.provider->state(m.ctx).value() == MachineState::NotCreated);
    CHECK(m.leftovers().empty());
}

TEST_CASE("halt escalates to SIGKILL when the machine ignores the stop signal",
          "[root][container]") {
    SKIP_UNLESS_USABLE();
    container::ContainerOptions opts;
    opts.stop_timeout_ms = 300;
    test::ContainerMachine m(
        "trap '' TERM; mkdir -p /env/out; touch /env/out/ready; while true; do sleep 1; done",
        opts);
    REQUIRE(m.provider->up(m.ctx));
    REQUIRE(m.wait_for("out/ready"));
    auto t0 = steady_clock::now();
    REQUIRE(m.provider->halt(m.ctx, false));
    auto ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
    CHECK(ms >= 300);
    CHECK(ms < 2000);
    CHECK(m.provider->state(m.ctx).value() == MachineState::Stopped);
    CHECK(m.leftovers().empty());
}

TEST_CASE("halt with force kills at once", "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m(
        "trap '' TERM; mkdir -p /env/out; touch /env/out/ready; while true; do sleep 1; done");
    REQUIRE(m.provider->up(m.ctx));
    REQUIRE(m.wait_for("out/ready"));
    auto t0 = steady_clock::now();
    REQUIRE(m.provider->halt(m.ctx, true));
    CHECK(duration_cast<milliseconds>(steady_clock::now() - t0).count() < 1000);
    CHECK(m.provider->state(m.ctx).value() == MachineState::Stopped);
    CHECK(m.leftovers().empty());
}

TEST_CASE(
    "first-boot files are in place, owned by the box user, before the machine's first instant",
    "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m(R"(mkdir -p /env/out
stat -c '%u %g %a' /home/env/.ssh/authorized_keys /home/env/.ssh > /env/out/keys
cat /home/env/.ssh/authorized_keys >> /env/out/keys
touch /env/out/done; exec sleep 100000
)");
    m.provider->set_first_boot_files(
        {{"/home/env/.ssh/authorized_keys", "ssh-ed25519 AAAAkey env\n", 0600, "env"}});
    REQUIRE(m.provider->up(m.ctx));
    REQUIRE(m.wait_for("out/done"));
    CHECK(m.read("out/keys") == "1000 1000 600\n1000 1000 700\nssh-ed25519 AAAAkey env\n");
    CHECK_FALSE(sys::exists(m.box_dir + "/rootfs/home/env"));
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.leftovers().empty());
}

TEST_CASE("synced folders are bound where the Envfile says, and disabling /env removes the default",
          "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m(
        R"(x=$(ls /data); echo "$x" > /data/seen; test -e /env; echo $? > /data/env_rc
touch /data/done; exec sleep 100000
)");
    REQUIRE(sys::make_dirs(m.project_dir + "/data"));
    REQUIRE(sys::write_file_atomic(m.project_dir + "/data/a.txt", "a"));
    m.spec.synced_folders = {{m.project_dir + "/data", "/data", false, {}},
                             {m.project_dir, "/env", true, {}}};
    REQUIRE(m.provider->up(m.ctx));
    REQUIRE(m.wait_for("data/done"));
    CHECK(m.read("data/seen") == "a.txt\n");
    CHECK(m.read("data/env_rc") == "1\n");
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.leftovers().empty());
}

TEST_CASE("up and destroy of a busybox machine are fast", "[root][container][timing]") {
    SKIP_UNLESS_USABLE();
    std::vector<double> ups, destroys;
    for (int i = 0; i < 7; ++i) {
        test::ContainerMachine m("exec sleep 100000");
        auto t0 = steady_clock::now();
        REQUIRE(m.provider->up(m.ctx));
        auto t1 = steady_clock::now();
        REQUIRE(m.provider->destroy(m.ctx));
        auto t2 = steady_clock::now();
        ups.push_back(duration<double, std::milli>(t1 - t0).count());
        destroys.push_back(duration<double, std::milli>(t2 - t1).count());
        CHECK(m.leftovers().empty());
    }
    std::sort(ups.begin(), ups.end());
    std::sort(destroys.begin(), destroys.end());
    std::fprintf(stderr,
                 "container timing over 7 runs: up median %.1f ms (min %.1f, max %.1f), destroy "
                 "median %.1f ms (min %.1f, max %.1f)\n",
                 ups[3], ups[0], ups[6], destroys[3], destroys[0], destroys[6]);
    // Loose bounds that catch a sleep or a shell-out creeping in, not a busy machine.
    CHECK(ups[3] < 500);
    CHECK(destroys[3] < 500);
}

TEST_CASE("the console of a machine is recorded in console.log", "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m(
        "echo hello-console; echo to-stderr >&2; tty > /dev/console; "
        "mkdir -p /env/out; touch /env/out/done; exec sleep 100000");
    REQUIRE(m.provider->up(m.ctx));
    REQUIRE(m.wait_for("out/done"));
    std::string log;
    auto deadline = steady_clock::now() + seconds(5);
    while (log.find("/dev/console") == std::string::npos && steady_clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(2));
        log = sys::read_file(m.state_dir + "/console.log").value_or("");
    }
    CHECK(log.find("hello-console\n") != std::string::npos);
    CHECK(log.find("to-stderr\n") != std::string::npos);
    CHECK(log.find("/dev/console\n") != std::string::npos);  // stdio is the console terminal
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.leftovers().empty());
}

TEST_CASE("two machines run side by side without seeing each other", "[root][container]") {
    SKIP_UNLESS_USABLE();
    const char* script =
        "mkdir -p /env/out; hostname > /env/out/name; ps -o pid > /env/out/ps; "
        "touch /env/out/done; exec sleep 100000";
    test::ContainerMachine a(script), b(script);
    b.spec.hostname = "other";
    REQUIRE(a.provider->up(a.ctx));
    REQUIRE(b.provider->up(b.ctx));
    REQUIRE(a.wait_for("out/done"));
    REQUIRE(b.wait_for("out/done"));
    CHECK(a.read("out/name") == "box-m1\n");
    CHECK(b.read("out/name") == "other\n");
    CHECK(a.read("out/ps") == b.read("out/ps"));  // the same few pids: separate namespaces
    REQUIRE(a.provider->halt(a.ctx, false));
    CHECK(b.provider->state(b.ctx).value() == MachineState::Running);
    REQUIRE(a.provider->destroy(a.ctx));
    REQUIRE(b.provider->destroy(b.ctx));
    CHECK(a.leftovers().empty());
    CHECK(b.leftovers().empty());
}

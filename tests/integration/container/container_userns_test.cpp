// User-namespace mode: root in the container is an unprivileged user on the host; the box,
// owned by host root, appears owned by the container's root through an id-mapped mount.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "container_fixture.h"
#include "util/sys.h"

using namespace env;
using provider::MachineState;

TEST_CASE("in user-namespace mode the container's root is an unprivileged host user",
          "[root][container]") {
    if (auto why = test::container_skip_reason(); !why.empty()) {
        ENV_SKIP(why);
    }
    container::ContainerOptions opts;
    opts.user_namespace = true;
    // /env belongs to host users the namespace does not map, so the script reports into
    // the machine's own filesystem (the upper layer, readable from the host).
    test::ContainerMachine m(R"(id -u > /uid; cat /proc/self/uid_map > /map; hostname > /host
stat -c '%u' /etc/passwd > /passwd_owner
echo changed >> /etc/passwd; echo $? > /passwd_rc
cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max > /mem 2> /dev/null
ps -o pid > /ps; touch /done; exec sleep 100000
)",
                             opts);
    if (auto why = m.provider->usable(); !why) {
        ENV_SKIP(why.error().what());
    }
    // The project lives under a directory the container's root may not search (as a 0700
    // home directory): the runtime must not need to. /env would need it, so it is off.
    REQUIRE(::chmod(m.dir.c_str(), 0700) == 0);
    m.spec.synced_folders = {{m.project_dir, "/env", true, {}}};
    auto up = m.provider->up(m.ctx);
    INFO(sys::read_file(m.state_dir + "/supervisor.log").value_or(""));
    REQUIRE(up);
    const std::string upper = ".envstate/machines/m1/upper/";
    REQUIRE(m.wait_for(upper + "done"));
    auto st = m.provider->status(m.ctx).value();

    CHECK(m.read(upper + "uid") == "0\n");
    CHECK(m.read(upper + "map").find("0     100000      65536") != std::string::npos);
    CHECK(m.read(upper + "host") == "box-m1\n");
    CHECK(m.read(upper + "passwd_owner") == "0\n");  // the box's root files are root's inside
    CHECK(m.read(upper + "passwd_rc") == "0\n");     // and root may change them (copy-up)
    CHECK(m.read(upper + "mem") == std::to_string(64ull << 20) + "\n");
    auto host_status = sys::read_file("/proc/" + std::to_string(st.init) + "/status").value_or("");
    CHECK(host_status.find("Uid:\t100000\t100000\t100000\t100000") != std::string::npos);
    CHECK(host_status.find("CapBnd:\t00000000a80435fb") != std::string::npos);
    struct stat s;
    REQUIRE(::stat((m.state_dir + "/upper/etc/passwd").c_str(), &s) == 0);
    CHECK(s.st_uid == 100000);  // the copy-up belongs to the unprivileged host user
    REQUIRE(::stat((m.box_dir + "/rootfs/etc/passwd").c_str(), &s) == 0);
    CHECK(s.st_uid == 0);  // the box is untouched
    CHECK(sys::read_file(m.box_dir + "/rootfs/etc/passwd").value_or("").find("changed") ==
          std::string::npos);

    REQUIRE(m.provider->halt(m.ctx, false));
    CHECK(m.provider->state(m.ctx).value() == MachineState::Stopped);
    CHECK(m.leftovers().empty());
    REQUIRE(m.provider->up(m.ctx));  // again, on the same upper layer
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.leftovers().empty());
    CHECK_FALSE(test::pid_alive(st.init));
}

TEST_CASE("in user-namespace mode the project is at /env and its .envstate hidden",
          "[root][container]") {
    if (auto why = test::container_skip_reason(); !why.empty()) {
        ENV_SKIP(why);
    }
    container::ContainerOptions opts;
    opts.user_namespace = true;
    // The container's root (host uid 100000) reports into the upper layer: /env is the
    // host's, it may read but not write there.
    test::ContainerMachine m(R"(ls /env > /listing; ls -A /env/.envstate | wc -l > /state
touch /env/.envstate/x 2>/dev/null; echo $? > /write_rc; touch /done; exec sleep 100000
)",
                             opts);
    if (auto why = m.provider->usable(); !why) {
        ENV_SKIP(why.error().what());
    }
    REQUIRE(::chmod(m.dir.c_str(), 0755) == 0);  // mkdtemp's 0700: searchable, as a project is
    REQUIRE(sys::write_file_atomic(m.project_dir + "/hello", "hi\n"));
    auto up = m.provider->up(m.ctx);
    INFO(sys::read_file(m.state_dir + "/supervisor.log").value_or(""));
    REQUIRE(up);
    const std::string upper = ".envstate/machines/m1/upper/";
    REQUIRE(m.wait_for(upper + "done"));
    CHECK(m.read(upper + "listing") == "hello\n");  // the project's files are shared
    CHECK(m.read(upper + "state") == "0\n");
    CHECK(m.read(upper + "write_rc") != "0\n");
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.leftovers().empty());
}

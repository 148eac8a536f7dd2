// Machines that cannot start: the error says why and nothing is left running.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "container_fixture.h"
#include "util/sys.h"

using namespace env;
using provider::MachineState;

#define SKIP_UNLESS_USABLE()                                      \
    if (auto why = test::container_skip_reason(); !why.empty()) { \
        ENV_SKIP(why);                                            \
    }

TEST_CASE("a command that cannot be executed fails up with its reason and leaves nothing running",
          "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m("");
    container::ContainerOptions opts;
    opts.supervisor_path = ENV_BINARY_DIR "/env-container-supervisor";
    opts.command = {"/no/such/sshd", "-D"};
    m.provider = std::make_unique<container::ContainerProvider>(opts);
    auto up = m.provider->up(m.ctx);
    REQUIRE_FALSE(up);
    CHECK(up.error().what().find("/no/such/sshd") != std::string::npos);
    CHECK(up.error().what().find("No such file") != std::string::npos);
    CHECK(m.provider->state(m.ctx).value() == MachineState::Stopped);
    CHECK(m.leftovers().empty());
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.leftovers().empty());
}

TEST_CASE("a box without a rootfs is refused before anything starts", "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m("true");
    REQUIRE(sys::remove_tree(m.box_dir + "/rootfs"));
    auto up = m.provider->up(m.ctx);
    REQUIRE_FALSE(up);
    CHECK(up.error().what().find("no rootfs/") != std::string::npos);
    CHECK(m.provider->state(m.ctx).value() == MachineState::NotCreated);
    CHECK(m.leftovers().empty());
}

TEST_CASE("a box naming its own init in metadata.json gets it as pid 1", "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m("");
    REQUIRE(sys::write_file_atomic(m.box_dir + "/metadata.json",
                                   R"({"provider": "container", "format": "rootfs",
      "container": {"init": ["/bin/sh", "-c", "mkdir -p /env/out; echo $$ > /env/out/pid.new; mv /env/out/pid.new /env/out/pid; exec sleep 100000"],
                    "stop_signal": "SIGKILL", "user": "env"}})"));
    REQUIRE(m.provider->up(m.ctx));
    REQUIRE(m.wait_for("out/pid"));
    CHECK(m.read("out/pid") == "1\n");
    CHECK(m.provider->ssh_info(m.ctx).value().user == "env");
    CHECK(m.provider->ssh_info(m.ctx).value().port > 0);
    REQUIRE(m.provider->halt(m.ctx, false));
    CHECK(m.provider->state(m.ctx).value() == MachineState::Stopped);
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.leftovers().empty());
}

TEST_CASE("a box with neither command nor init is refused with a clear error",
          "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m("");
    auto up = m.provider->up(m.ctx);
    REQUIRE_FALSE(up);
    CHECK(up.error().what().find("names no container command or init") != std::string::npos);
    CHECK(m.leftovers().empty());
}

TEST_CASE(
    "a supervisor whose control socket is dead counts as crashed, and destroy still cleans up",
    "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m("exec sleep 100000");
    REQUIRE(m.provider->up(m.ctx));
    auto st = m.provider->status(m.ctx).value();
    REQUIRE(::unlink((m.state_dir + "/control.sock").c_str()) == 0);
    CHECK(m.provider->state(m.ctx).value() == MachineState::Crashed);
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.provider->state(m.ctx).value() == MachineState::NotCreated);
    CHECK_FALSE(test::pid_alive(st.supervisor));
    CHECK_FALSE(test::pid_alive(st.init));
    CHECK(m.leftovers().empty());
}

TEST_CASE("up recovers a machine whose supervisor lost its control socket", "[root][container]") {
    SKIP_UNLESS_USABLE();
    test::ContainerMachine m("exec sleep 100000");
    REQUIRE(m.provider->up(m.ctx));
    auto first = m.provider->status(m.ctx).value();
    REQUIRE(::unlink((m.state_dir + "/control.sock").c_str()) == 0);
    REQUIRE(m.provider->up(m.ctx));
    CHECK(m.provider->state(m.ctx).value() == MachineState::Running);
    CHECK(m.provider->status(m.ctx).value().supervisor != first.supervisor);
    CHECK_FALSE(test::pid_alive(first.supervisor));
    REQUIRE(m.provider->destroy(m.ctx));
    CHECK(m.leftovers().empty());
}

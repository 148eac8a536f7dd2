// The control socket of a running env-vmm: status, pause/resume, console, shutdown, kill.
#include <catch2/catch.hpp>

#include "vmm_process.h"

using namespace env::kvm::test;
using namespace std::chrono_literals;

namespace {
bool start_idle(VmmProcess& vmm) {
    vmm.start({"--kernel", guest_image("tiny-guest.bzImage"), "--cmdline", "guest.mode=idle",
               "--memory", "32"});
    return vmm.wait_for_output("idle: ready\n", 60s);
}
}  // namespace

TEST_CASE(
    "control: status reports running vCPUs with their RIP, pause stops the guest, resume continues",
    "[kvm]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    REQUIRE(start_idle(vmm));
    Control ctl(vmm.socket);
    REQUIRE(ctl.connected());
    auto st = ctl.request("status");
    INFO(st.dump());
    CHECK(st["ok"] == true);
    CHECK(st["state"] == "running");
    REQUIRE(st["vcpus"].size() == 1);
    auto rip = std::stoull(st["vcpus"][0]["rip"].get<std::string>(), nullptr, 16);
    CHECK(rip >= 0x100000);  // inside the guest's code
    CHECK(rip < 0x200000);

    auto p = ctl.request("pause");
    CHECK(p["ok"] == true);
    CHECK(ctl.request("status")["state"] == "paused");
    // While paused, console input is not echoed: the guest does not run.
    Control con(vmm.socket);
    con.send_raw("{\"cmd\":\"console\"}\n");
    CHECK(con.read_line() == "{\"ok\":true}");
    con.send_raw("ping\n");
    std::this_thread::sleep_for(500ms);
    CHECK(vmm.output().find("echo: ping") == std::string::npos);
    CHECK(ctl.request("resume")["state"] == "running");
    CHECK(vmm.wait_for_output("echo: ping\n", 30s));
    // The console connection sees the guest's output too.
    std::string seen;
    for (int i = 0; i < 50 && seen.find("echo: ping") == std::string::npos; ++i)
        seen += con.read_line(200ms) + "\n";
    CHECK(seen.find("echo: ping") != std::string::npos);

    CHECK(ctl.request("kill")["ok"] == true);
    auto status = vmm.wait(20s);
    REQUIRE(status);
    CHECK(*status == 12);
}

TEST_CASE("control: shutdown types ctrl-alt-del, and the guest ends the machine", "[kvm]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    REQUIRE(start_idle(vmm));
    Control ctl(vmm.socket);
    REQUIRE(ctl.connected());
    auto r = ctl.request("shutdown");
    CHECK(r["ok"] == true);
    auto status = vmm.wait(60s);
    REQUIRE(status);
    INFO(vmm.output());
    CHECK(vmm.output().find("kbd: ctrl-alt-del, resetting\n") != std::string::npos);
    CHECK(*status == 10);
}

TEST_CASE("control: malformed requests get an error reply, the VMM carries on", "[kvm]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    REQUIRE(start_idle(vmm));
    Control ctl(vmm.socket);
    REQUIRE(ctl.connected());
    ctl.send_raw("this is not json\n");
    auto bad = nlohmann::json::parse(ctl.read_line(), nullptr, false);
    CHECK(bad["ok"] == false);
    ctl.send_raw("{\"cmd\": 5}\n");
    CHECK(nlohmann::json::parse(ctl.read_line(), nullptr, false)["ok"] == false);
    CHECK(ctl.request("reboot-the-host")["ok"] == false);
    CHECK(ctl.request("status")["ok"] == true);
    // SIGTERM ends the machine with its own status.
    ::kill(vmm.pid(), SIGTERM);
    auto status = vmm.wait(20s);
    REQUIRE(status);
    CHECK(*status == 13);
}

TEST_CASE("console input raises COM1's IRQ 4 through the IOAPIC pin the MP table names", "[kvm]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    for (const char* image : {"tiny-guest.bzImage", "tiny-guest-pvh.elf"}) {
        VmmProcess vmm;
        // The guest masks the 8259s, programs IOAPIC pin 4 and the LAPIC, and sleeps in
        // hlt: only a delivered interrupt wakes it.
        vmm.start(
            {"--kernel", guest_image(image), "--cmdline", "guest.mode=irq", "--memory", "32"});
        REQUIRE(vmm.wait_for_output("irq: waiting\n", 60s));
        Control con(vmm.socket);
        REQUIRE(con.connected());
        con.send_raw("{\"cmd\":\"console\"}\nhello irq\n");
        INFO(image << ": " << vmm.output() << vmm.errors());
        CHECK(vmm.wait_for_output("irq: serial rx 'hello irq' in ", 30s));
        // The rest of that line may still be on its way: wait for it too, not just look.
        CHECK(vmm.wait_for_output(" interrupt(s) on vector 0x24\n", 30s));
        auto status = vmm.wait(30s);
        REQUIRE(status);
        CHECK(*status == 10);
    }
}

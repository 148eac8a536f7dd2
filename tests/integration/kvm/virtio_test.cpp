// virtio-pci under /dev/kvm: the tiny guest's drivers (tests/guest/virtio*.c) drive each
// device through the modern transport, with MSI-X (irqfd) and with INTx, and print what
// they saw; the host side checks the transcript and, for disks, the image file.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "../net/test_netns.h"
#include "net/port_allocator.h"
#include "vmm_process.h"

using namespace env::kvm::test;

namespace {
// The guest's virtio lines, in order (its other output is the boot's).
std::vector<std::string> virtio_lines(const std::string& output) {
    std::vector<std::string> out;
    for (auto& l : lines(output))
        if (l.rfind("virtio", 0) == 0) out.push_back(l);
    return out;
}

// Boots the tiny guest in virtio mode; returns the transcript from the first virtio line.
std::vector<std::string> run_virtio(VmmProcess& vmm, const std::string& irq,
                                    const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "--kernel",  guest_image("tiny-guest.bzImage"),
        "--memory",  "64",
        "--cmdline", "console=ttyS0 guest.mode=virtio virtio.irq=" + irq};
    args.insert(args.end(), extra.begin(), extra.end());
    vmm.start(args);
    auto status = vmm.wait(std::chrono::seconds(60));
    INFO("console:\n" << vmm.output() << "\nstderr:\n" << vmm.errors());
    REQUIRE(status);
    CHECK(*status == 0);  // the guest powered off after its checks
    return virtio_lines(vmm.output());
}
}  // namespace

TEST_CASE("virtio-rng through virtio-pci, with MSI-X and with INTx", "[kvm][virtio]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    for (std::string irq : {"msix", "intx"}) {
        DYNAMIC_SECTION(irq) {
            VmmProcess vmm;
            auto l = run_virtio(vmm, irq, {});
            INFO("console:\n" << vmm.output());
            REQUIRE(l.size() == 3);
            CHECK(l[0] == "virtio-rng: 00:01.0 ready (" + irq + ")");
            // 32 random bytes hold 4 or fewer distinct values with negligible probability.
            unsigned bytes = 0, distinct = 0, irqs = 0, vector = 0;
            REQUIRE(
                sscanf(
                    l[1].c_str(),
                    "virtio-rng: %u bytes, %u distinct values, %u interrupt(s), last vector 0x%x",
                    &bytes, &distinct, &irqs, &vector) == 4);
            CHECK(bytes == 32);
            CHECK(distinct > 4);
            CHECK(irqs >= 1);
            // MSI-X: the queue's own vector (table entry 1 -> 0x41); INTx: the IOAPIC pin's.
            CHECK(vector == (irq == "msix" ? 0x41u : 0x30u));
            CHECK(l[2] == "virtio: done");
        }
    }
}

TEST_CASE("no virtio-rng with --no-rng", "[kvm][virtio]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    auto l = run_virtio(vmm, "msix", {"--no-rng"});
    CHECK(l == std::vector<std::string>{"virtio: done"});
}

TEST_CASE("virtio-blk: the guest writes a pattern, reads it back, and the image holds it",
          "[kvm][virtio]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    for (std::string irq : {"msix", "intx"}) {
        DYNAMIC_SECTION(irq) {
            VmmProcess vmm;
            std::string image = vmm.dir.path + "/disk.img";
            REQUIRE(env::sys::write_file_atomic(image, std::string(1 << 20, '\0')));
            auto l = run_virtio(vmm, irq, {"--disk", image, "--no-rng"});
            INFO("console:\n" << vmm.output());
            REQUIRE(l.size() == 3);
            CHECK(l[0] == "virtio-blk: 00:01.0 ready (" + irq + ") capacity 2048 sectors");
            // One interrupt per request at least (a late one may merge or add): count >= 2.
            unsigned irqs = 0, vector = 0;
            CHECK(sscanf(l[1].c_str(),
                         "virtio-blk: write status 0, read status 0, read back matches, %u "
                         "interrupt(s), last vector 0x%x",
                         &irqs, &vector) == 2);
            CHECK(irqs >= 2);
            CHECK(vector == (irq == "msix" ? 0x41u : 0x30u));
            auto bytes = env::sys::read_file(image);
            REQUIRE(bytes);
            std::string expect;
            const std::string text = "tiny-guest virtio-blk pattern ";
            for (unsigned i = 0; i < 512; ++i) expect += text[i % text.size()];
            CHECK(bytes->substr(512, 512) == expect);  // sector 1
            CHECK(bytes->substr(0, 512) == std::string(512, '\0'));
            CHECK(bytes->substr(1024, 512) == std::string(512, '\0'));
        }
    }
}

TEST_CASE("virtio-blk: a read-only disk refuses the guest's write", "[kvm][virtio]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    std::string image = vmm.dir.path + "/disk.img";
    REQUIRE(env::sys::write_file_atomic(image, std::string(1 << 20, 'x')));
    auto l = run_virtio(vmm, "msix", {"--disk", image + ",ro", "--no-rng"});
    INFO("console:\n" << vmm.output());
    REQUIRE(l.size() == 3);
    CHECK(l[0] == "virtio-blk: 00:01.0 ready (msix) capacity 2048 sectors read-only");
    // VIRTIO_BLK_S_IOERR for the write; the read returns the untouched sector.
    CHECK(l[1].rfind("virtio-blk: write status 1, read status 0, read back DIFFERS", 0) == 0);
    CHECK(env::sys::read_file(image).value_or("") == std::string(1 << 20, 'x'));
}

namespace {
// Connects to addr:port, sends `line`, returns everything read until the peer closes.
std::string tcp_exchange(int port, const std::string& line, const char* addr = "127.0.0.1") {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    env::UniqueFd hold(fd);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    ::inet_pton(AF_INET, addr, &a.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "connect failed";
    (void)!::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
    std::string got;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 30000) <= 0) return got + " (timeout)";
        char b[256];
        ssize_t n = ::recv(fd, b, sizeof b, 0);
        if (n <= 0) return got;
        got.append(b, size_t(n));
    }
}
}  // namespace

TEST_CASE(
    "virtio-net over slirp: DHCP lease, ARP and ping to the gateway, a host TCP connection through "
    "a forward",
    "[kvm][virtio]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    for (std::string irq : {"msix", "intx"}) {
        DYNAMIC_SECTION(irq) {
            auto reserved = env::net::reserve_port(env::net::Proto::Tcp);
            REQUIRE(reserved);
            int port = reserved->port();
            reserved->release();  // env-vmm's slirp binds it next
            VmmProcess vmm;
            vmm.start({"--kernel", guest_image("tiny-guest.bzImage"), "--memory", "64", "--no-rng",
                       "--nic", "slirp,forward=tcp:127.0.0.1:" + std::to_string(port) + "-8080",
                       "--cmdline",
                       "console=ttyS0 guest.mode=virtio virtio.irq=" + irq + " net.port=8080"});
            INFO("console:\n" << vmm.output() << "\nstderr:\n" << vmm.errors());
            REQUIRE(vmm.wait_for_output("virtio-net: listening on tcp port 8080",
                                        std::chrono::seconds(60)));
            // Host -> guest (the line) and guest -> host (the answer, then the guest's close).
            CHECK(tcp_exchange(port, "hello from the host\n") ==
                  "guest got: hello from the host\n");
            auto status = vmm.wait(std::chrono::seconds(30));
            REQUIRE(status);
            CHECK(*status == 0);
            auto l = virtio_lines(vmm.output());
            REQUIRE(l.size() == 7);
            CHECK(l[0] == "virtio-net: 00:01.0 ready (" + irq + ") mac 52:54:00:12:34:56");
            CHECK(l[1] ==
                  "virtio-net: dhcp offer 10.0.2.15, ack 10.0.2.15 from 10.0.2.2, router 10.0.2.2");
            CHECK(l[2] ==
                  "virtio-net: gateway 10.0.2.2 is at 52:55:0a:00:02:02");  // libslirp's MAC
            CHECK(l[3] == "virtio-net: ping 10.0.2.2: echo reply with our 16 bytes");
            CHECK(l[4] == "virtio-net: listening on tcp port 8080");
            CHECK(l[5] ==
                  "virtio-net: tcp from 10.0.2.2 said 'hello from the host', answered and closed");
            CHECK(l[6] == "virtio: done");
        }
    }
}

TEST_CASE("virtio notifications reach the devices through KVM ioeventfds, not MMIO exits",
          "[kvm][virtio]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    std::string image = vmm.dir.path + "/disk.img";
    REQUIRE(env::sys::write_file_atomic(image, std::string(1 << 20, '\0')));
    vmm.start({"--kernel", guest_image("tiny-guest.bzImage"), "--memory", "64", "--disk", image,
               "--cmdline", "console=ttyS0 guest.mode=virtio virtio.then=idle"});
    INFO("console:\n" << vmm.output() << "\nstderr:\n" << vmm.errors());
    REQUIRE(vmm.wait_for_output("idle: ready", std::chrono::seconds(60)));
    CHECK(vmm.output().find("read back matches") != std::string::npos);
    Control ctl(vmm.socket);
    REQUIRE(ctl.connected());
    auto st = ctl.request("status");
    INFO(st.dump());
    REQUIRE(st["virtio"].size() == 2);
    CHECK(st["virtio"][0]["device"] == "1042");
    CHECK(st["virtio"][1]["device"] == "1044");
    for (auto& d : st["virtio"]) {
        CHECK(d["ioeventfds"] == true);
        CHECK(d["notify_exits"] == 0);  // the guest kicked blk twice and rng once, all inside KVM
    }
    CHECK(ctl.request("kill")["ok"] == true);
    auto status = vmm.wait(std::chrono::seconds(20));
    REQUIRE(status);
    CHECK(*status == 12);
}

TEST_CASE(
    "virtio-blk over a copy-on-write overlay: the guest's write lands in the overlay, the base is "
    "untouched",
    "[kvm][virtio]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    std::string base = vmm.dir.path + "/base.img", overlay = vmm.dir.path + "/overlay.img";
    REQUIRE(env::sys::write_file_atomic(base, std::string(1 << 20, 'b')));
    auto l = run_virtio(vmm, "msix", {"--disk", overlay + ",base=" + base, "--no-rng"});
    INFO("console:\n" << vmm.output());
    REQUIRE(l.size() == 3);
    CHECK(l[0] == "virtio-blk: 00:01.0 ready (msix) capacity 2048 sectors");
    CHECK(l[1].rfind("virtio-blk: write status 0, read status 0, read back matches", 0) == 0);
    CHECK(env::sys::read_file(base).value_or("") == std::string(1 << 20, 'b'));
    CHECK(env::sys::exists(overlay));
}

TEST_CASE(
    "virtio-net over a tap in a private network namespace: ARP, ping and TCP with the host's "
    "kernel",
    "[kvm][virtio][netns]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    if (auto why = env::net::test::TestNetns::unavailable(); !why.empty()) {
        ENV_SKIP(why);
    }
    env::net::test::TestNetns ns;
    REQUIRE(ns.ok());
    std::string out;
    REQUIRE(ns.exec("ip link set lo up && ip tuntap add dev envtap0 mode tap && "
                    "ip addr add 10.9.0.1/24 dev envtap0 && ip link set envtap0 up",
                    &out) == 0);
    INFO(out);
    VmmProcess vmm;
    // Started from a thread inside the namespace: env-vmm opens the tap there.
    ns.inside([&] {
        vmm.start(
            {"--kernel", guest_image("tiny-guest.bzImage"), "--memory", "64", "--no-rng", "--nic",
             "tap=envtap0", "--cmdline",
             "console=ttyS0 guest.mode=virtio net.ip=10.9.0.2 net.gw=10.9.0.1 net.port=8080"});
        return true;
    });
    INFO("console:\n" << vmm.output() << "\nstderr:\n" << vmm.errors());
    REQUIRE(
        vmm.wait_for_output("virtio-net: listening on tcp port 8080", std::chrono::seconds(60)));
    auto answer = ns.inside([&] { return tcp_exchange(8080, "hello over the tap\n", "10.9.0.2"); });
    CHECK(answer == "guest got: hello over the tap\n");
    auto status = vmm.wait(std::chrono::seconds(30));
    REQUIRE(status);
    CHECK(*status == 0);
    auto l = virtio_lines(vmm.output());
    REQUIRE(l.size() == 7);
    CHECK(l[1] == "virtio-net: static 10.9.0.2, router 10.9.0.1");
    std::string tap_mac;
    ns.exec("cat /sys/class/net/envtap0/address", &tap_mac);
    CHECK(l[2] == "virtio-net: gateway 10.9.0.1 is at " +
                      tap_mac.substr(0, 17));  // the host kernel answered
    CHECK(l[3] == "virtio-net: ping 10.9.0.1: echo reply with our 16 bytes");
    CHECK(l[5] == "virtio-net: tcp from 10.9.0.1 said 'hello over the tap', answered and closed");
    ns.exec("ip link del envtap0");
}

TEST_CASE(
    "a malformed queue sets DEVICE_NEEDS_RESET with a configuration interrupt, and a reset "
    "recovers",
    "[kvm][virtio]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    for (std::string irq : {"msix", "intx"}) {
        DYNAMIC_SECTION(irq) {
            VmmProcess vmm;
            vmm.start({"--kernel", guest_image("tiny-guest.bzImage"), "--memory", "64", "--cmdline",
                       "console=ttyS0 guest.mode=virtio virtio.break=1 virtio.irq=" + irq});
            auto status = vmm.wait(std::chrono::seconds(60));
            INFO("console:\n" << vmm.output() << "\nstderr:\n" << vmm.errors());
            REQUIRE(status);
            CHECK(*status == 0);
            auto l = virtio_lines(vmm.output());
            REQUIRE(l.size() == 5);
            // ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK plus NEEDS_RESET (0x40); MSI-X: the
            // configuration vector (table entry 0 -> 0x40); INTx: the pin's, ISR bit 1.
            CHECK(l[1] == "virtio-rng: needs reset, status 0x4f, interrupt vector 0x" +
                              std::string(irq == "msix" ? "40" : "30"));
            CHECK(l[2] == "virtio-rng: 00:01.0 ready (" + irq + ")");
            CHECK(l[3].rfind("virtio-rng: 32 bytes, ", 0) == 0);
            CHECK(vmm.errors().find("the device needs a reset") != std::string::npos);
        }
    }
}

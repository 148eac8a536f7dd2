// The tiny guest booted by env-vmm under /dev/kvm, from each kernel format; its serial
// transcript is checked line by line against what the VMM was told to give it.
#include <catch2/catch.hpp>
#include <ctime>

#include "vmm_process.h"

using namespace env::kvm::test;

namespace {
uint32_t fnv1a(const std::string& s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}
std::string hex8(uint32_t v) {
    char b[16];
    snprintf(b, sizeof b, "%08x", v);
    return b;
}
std::string utc_date() {
    time_t t = time(nullptr);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char b[16];
    strftime(b, sizeof b, "%Y-%m-%d", &tm);
    return b;
}

void boot_and_check(const std::string& image, const std::string& hello) {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    std::string initrd_path = vmm.dir.path + "/initrd";
    std::string initrd;
    for (int i = 0; i < 3000; ++i) initrd += char('A' + i % 26);
    REQUIRE(env::sys::write_file_atomic(initrd_path, initrd));
    const std::string cmdline = "console=ttyS0 guest.mode=reset answer=42";
    std::string before = utc_date();
    vmm.start({"--kernel", guest_image(image), "--initrd", initrd_path, "--cmdline", cmdline,
               "--memory", "64", "--vcpus", "2"});
    auto status = vmm.wait(std::chrono::seconds(60));
    std::string after = utc_date();
    REQUIRE(status);
    INFO("console:\n" << vmm.output() << "\nstderr:\n" << vmm.errors());
    CHECK(*status == 10);  // the guest reset through the i8042

    auto l = lines(vmm.output());
    REQUIRE(l.size() == 11);  // and nothing after the reset
    CHECK(l[0] == "tiny-guest: hello (" + hello + ")");
    CHECK(l[1] == "cmdline: " + cmdline);
    // 639 KiB below the EBDA plus 1 MiB .. 64 MiB.
    CHECK(l[2] == "e820: 4 entries, ram=" + std::to_string(639 + 63 * 1024) + " KiB");
    CHECK(l[3] == "initrd: size=3000 fnv=" + hex8(fnv1a(initrd)));
    CHECK((l[4].rfind("rtc: " + before, 0) == 0 || l[4].rfind("rtc: " + after, 0) == 0));
    CHECK(l[4].size() == std::string("rtc: 2026-01-01 00:00:00").size());
    CHECK(l[5] == "pci: 00:00.0 8086:0d57 class 060000");
    CHECK(l[6] == "pci: 00:01.0 1af4:1044 class ff0000");  // virtio-rng, there by default
    CHECK(l[7] == "pci: 2 device(s), vendor bytes 86 80");
    // 16 ISA interrupts and slot 1's INTA.
    CHECK(l[8] == "mptable: cpus=2 bsp=0 buses=2 ioapic=1 id=2 irqs=17 lints=2 lapic=0xfee00000");
    CHECK(l[9] == "acpi: sleep control port 0x0600");
    CHECK(l[10] == "tiny-guest: resetting");
}
}  // namespace

TEST_CASE("tiny guest boots as a bzImage by the 64-bit boot protocol", "[kvm]") {
    boot_and_check("tiny-guest.bzImage", "linux boot protocol");
}

TEST_CASE("tiny guest boots as an ELF at its 64-bit entry", "[kvm]") {
    boot_and_check("tiny-guest.elf", "linux boot protocol");
}

TEST_CASE("tiny guest boots as an ELF with a PVH note, by PVH", "[kvm]") {
    boot_and_check("tiny-guest-pvh.elf", "pvh");
}

TEST_CASE("guest poweroff through ACPI's sleep control register ends the VMM with 0", "[kvm]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    vmm.start({"--kernel", guest_image("tiny-guest.bzImage"), "--cmdline", "guest.mode=poweroff",
               "--memory", "32"});
    auto status = vmm.wait(std::chrono::seconds(60));
    REQUIRE(status);
    INFO(vmm.output() << vmm.errors());
    CHECK(*status == 0);
    CHECK(vmm.output().find("tiny-guest: powering off\n") != std::string::npos);
    CHECK(vmm.output().find("resetting") == std::string::npos);
}

TEST_CASE("a guest writing garbage to every port leaves the VMM alive", "[kvm]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    vmm.start({"--kernel", guest_image("tiny-guest.elf"), "--cmdline", "guest.mode=garbage",
               "--memory", "32"});
    auto status = vmm.wait(std::chrono::seconds(120));
    REQUIRE(status);
    INFO(vmm.errors());
    // The VMM kept running the guest, which then printed and reset as asked.
    CHECK(vmm.output().find("garbage: done, still alive\ntiny-guest: resetting\n") !=
          std::string::npos);
    CHECK(*status == 10);
    // Unknown ports were logged, at a limited rate.
    auto err = vmm.errors();
    CHECK(err.find("unmapped") != std::string::npos);
    CHECK(err.find("suppressed") != std::string::npos);
    CHECK(lines(err).size() < 2000);
}

TEST_CASE("env-vmm takes its configuration from a JSON file", "[kvm]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    VmmProcess vmm;
    std::string config = vmm.dir.path + "/vmm.json";
    nlohmann::json j = {{"kernel", guest_image("tiny-guest.bzImage")},
                        {"cmdline", "from=json guest.mode=poweroff"},
                        {"memory_mib", 48},
                        {"vcpus", 3}};
    REQUIRE(env::sys::write_file_atomic(config, j.dump()));
    vmm.start({"--config", config});
    auto status = vmm.wait(std::chrono::seconds(60));
    REQUIRE(status);
    INFO(vmm.output() << vmm.errors());
    CHECK(*status == 0);
    CHECK(vmm.output().find("cmdline: from=json guest.mode=poweroff\n") != std::string::npos);
    CHECK(vmm.output().find("ram=" + std::to_string(639 + 47 * 1024) + " KiB") !=
          std::string::npos);
    CHECK(vmm.output().find("mptable: cpus=3 ") != std::string::npos);
}

TEST_CASE("env-vmm: a missing kernel or a bad flag is a clear error with its own status", "[kvm]") {
    VmmProcess a;
    a.start({"--kernel", a.dir.path + "/nope"});
    auto s = a.wait(std::chrono::seconds(20));
    REQUIRE(s);
    CHECK(*s == 1);
    CHECK(a.errors().find("nope") != std::string::npos);
    VmmProcess b;
    b.start({"--no-such-flag"});
    s = b.wait(std::chrono::seconds(20));
    REQUIRE(s);
    CHECK(*s == 2);
    VmmProcess c;
    c.start({});
    s = c.wait(std::chrono::seconds(20));
    REQUIRE(s);
    CHECK(*s == 2);
    CHECK(c.errors().find("no kernel") != std::string::npos);
}

TEST_CASE("guest RAM on 2 MiB hugepages, and a clear error when too few are reserved",
          "[kvm][root]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    const std::string knob = "/proc/sys/vm/nr_hugepages";
    auto before = env::sys::read_file(knob);
    if (::geteuid() != 0 || !before) {
        ENV_SKIP("reserving hugepages needs root");
    }
    long old = std::stol(*before);
    {
        VmmProcess vmm;  // more than is reserved: refused at start, before the guest runs
        vmm.start({"--kernel", guest_image("tiny-guest.elf"), "--memory", "64", "--hugepages"});
        if (old < 32) {
            auto s = vmm.wait(std::chrono::seconds(20));
            REQUIRE(s);
            CHECK(*s == 1);
            CHECK(vmm.errors().find("hugepages") != std::string::npos);
        }
    }
    // Reserve 40 more for the test and give them back afterwards.
    auto set = [&](long n) {
        FILE* f = fopen(knob.c_str(), "w");
        if (!f) return;
        fprintf(f, "%ld\n", n);
        fclose(f);
    };
    set(old + 40);
    if (std::stol(env::sys::read_file(knob).value_or("0")) < old + 32) {
        set(old);
        ENV_SKIP("the host could not reserve 2 MiB hugepages");
    }
    VmmProcess vmm;
    vmm.start({"--kernel", guest_image("tiny-guest.elf"), "--memory", "64", "--hugepages",
               "--cmdline", "guest.mode=poweroff"});
    auto s = vmm.wait(std::chrono::seconds(60));
    set(old);
    REQUIRE(s);
    INFO(vmm.output() << vmm.errors());
    CHECK(*s == 0);
    CHECK(vmm.output().find("ram=" + std::to_string(639 + 63 * 1024) + " KiB") !=
          std::string::npos);
}

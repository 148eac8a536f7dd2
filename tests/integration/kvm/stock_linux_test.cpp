// Debian's cloud kernel under env-vmm. Where KVM is hardware-accelerated it boots to a
// busybox initrd that prints a marker and powers off. Everywhere (the nested, emulated KVM
// of the development machines included) a few seconds of its boot are watched through the
// control socket: the kernel must be executing past its entry point, without a triple fault
// or a failed entry.
#include <catch2/catch.hpp>
#include <regex>

#include "providers/kvm/boot/bzimage.h"
#include "stock_linux_support.h"

using namespace env;
using namespace env::kvm::test;
using namespace std::chrono_literals;

namespace {
std::string busybox_initrd(const std::string& busybox) {
    Cpio c;
    c.add("bin", 040755);
    c.add("dev", 040755);
    c.add("dev/console", 020600, {}, 5, 1);
    c.add("proc", 040755);
    c.add("bin/busybox", 0100755, busybox);
    c.add(
        "init", 0100755,
        "#!/bin/busybox sh\n/bin/busybox echo ENV-STOCK-LINUX-MARKER\n/bin/busybox poweroff -f\n");
    return c.finish();
}
}  // namespace

TEST_CASE("stock Linux boots to a busybox initrd and powers off (needs hardware-accelerated KVM)",
          "[kvm][slow]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    auto dir = cache_dir();
    if (!dir || !sys::exists(*dir + "/vmlinuz") || !sys::exists(*dir + "/busybox")) {
        ENV_SKIP(kNoKernel);
    }
    auto probe = run_probe();
    if (!probe.accelerated) {
        ENV_SKIP("KVM here is not hardware-accelerated; the probe measured "
                 << probe.mips
                 << " M guest instructions/s (a stock kernel would take many minutes).\n"
                 << probe.text);
    }
    VmmProcess vmm;
    std::string initrd = vmm.dir.path + "/initrd.cpio";
    REQUIRE(sys::write_file_atomic(initrd, busybox_initrd(*sys::read_file(*dir + "/busybox"))));
    vmm.start({"--kernel", *dir + "/vmlinuz", "--initrd", initrd, "--memory", "256", "--cmdline",
               "console=ttyS0 panic=-1 rdinit=/init"});
    auto status = vmm.wait(120s);
    INFO(vmm.output() << vmm.errors());
    REQUIRE(status);
    CHECK(vmm.output().find("ENV-STOCK-LINUX-MARKER") != std::string::npos);
    CHECK(*status == 0);
}

TEST_CASE(
    "stock Linux runs past its 64-bit entry into its relocated decompressor: no triple fault, no "
    "failed entry",
    "[kvm]") {
    KVM_SKIP_UNLESS_AVAILABLE();
    auto dir = cache_dir();
    if (!dir || !sys::exists(*dir + "/vmlinuz")) {
        ENV_SKIP(kNoKernel);
    }
    auto text = *sys::read_file(*dir + "/vmlinuz");
    auto bz = kvm::parse_bzimage({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    REQUIRE(bz);
    const uint64_t load = bz->pref_address, entry = load + 0x200, end = load + bz->init_size;

    VmmProcess vmm;
    vmm.start({"--kernel", *dir + "/vmlinuz", "--memory", "256", "--cmdline", "console=ttyS0"});
    Control ctl(vmm.socket);
    REQUIRE(ctl.connected());
    // Measured here: about 5 s inside startup_64's copy of the compressed kernel (one
    // long rep movsq at entry + 0xAA), then the relocated decompressor near the end of
    // [load, load + init_size). Sample until the RIP has left the entry page.
    std::vector<uint64_t> rips;
    bool relocated = false;
    // Up to a minute: other KVM tests running in parallel slow the emulated guest down.
    for (int i = 0; i < 120 && !relocated; ++i) {
        std::this_thread::sleep_for(500ms);
        auto st = ctl.request("status");
        INFO(st.dump() << vmm.errors());
        REQUIRE(st["ok"] == true);
        REQUIRE(st["state"] == "running");
        REQUIRE(st["vcpus"][0].contains("rip"));
        uint64_t rip = std::stoull(st["vcpus"][0]["rip"].get<std::string>(), nullptr, 16);
        rips.push_back(rip);
        relocated = (rip >= entry + 0x1000 && rip < end) || rip >= 0xFFFFFFFF80000000ull;
    }
    INFO("stderr: " << vmm.errors());
    CHECK(vmm.alive());  // no shutdown exit, no internal error, no failed entry
    std::string seen;
    for (auto r : rips) {
        char b[24];
        snprintf(b, sizeof b, " 0x%llx", static_cast<unsigned long long>(r));
        seen += b;
    }
    INFO("RIP samples:" << seen << "; entry 0x" << std::hex << entry << ", kernel buffer ends 0x"
                        << end);
    // Every sample is kernel code: the decompressor and its relocated copy live in
    // [load, load + init_size); a kernel that got further runs at its virtual addresses.
    for (auto r : rips) CHECK(((r >= load && r < end) || r >= 0xFFFFFFFF80000000ull));
    CHECK(rips.front() != entry);
    CHECK(relocated);  // jumped to its relocated copy: page tables and boot_params were right
    CHECK(ctl.request("kill")["ok"] == true);
    auto status = vmm.wait(20s);
    REQUIRE(status);
    CHECK(*status == 12);
}

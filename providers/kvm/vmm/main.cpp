// env-vmm: the kvm provider's VMM, one process per machine. See README.md in this folder
// for the configuration, the control socket protocol and the exit statuses.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <cstdio>

#include "providers/kvm/hypervisor/start_trace.h"
#include "providers/kvm/machine/machine.h"
#include "providers/kvm/vmm/config.h"
#include "providers/kvm/vmm/probe.h"
#include "util/log.h"
#include "util/sys.h"

using namespace env;
using namespace env::kvm;

int main(int argc, char** argv) {
    start_trace::mark("main");
    CLI::App app{"env-vmm: boots a Linux guest under KVM"};
    std::string config_file;
    bool probe = false, debug = false;
    std::optional<std::string> kernel, initrd, cmdline, console_log, control_socket;
    std::optional<uint64_t> memory;
    std::optional<unsigned> vcpus;
    bool hugepages = false, no_rng = false;
    std::vector<std::string> disks, nics;
    app.add_option("--config", config_file, "JSON configuration file");
    app.add_option("--kernel", kernel, "bzImage or ELF kernel");
    app.add_option("--initrd", initrd, "initial ramdisk");
    app.add_option("--cmdline", cmdline, "kernel command line");
    app.add_option("--memory", memory, "guest memory in MiB (default 256)");
    app.add_option("--vcpus", vcpus, "number of vCPUs (default 1)");
    app.add_flag("--hugepages", hugepages, "back guest memory with 2 MiB hugepages");
    app.add_option("--console-log", console_log,
                   "file receiving the serial console (default stdout)");
    app.add_option("--control-socket", control_socket, "unix socket for JSON-lines control");
    app.add_option("--disk", disks, "virtio-blk disk: PATH[,ro][,base=BASE] (repeatable)");
    app.add_option(
        "--nic", nics,
        "virtio-net NIC: slirp[,mac=M][,forward=tcp:[ADDR:]HOST-GUEST]... or tap=NAME[,mac=M]");
    app.add_flag("--no-rng", no_rng, "no virtio-rng device");
    app.add_flag("--probe", probe, "measure guest speed: is KVM hardware-accelerated here?");
    app.add_flag("--debug", debug, "verbose logging");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    log::init(debug);

    if (probe) {
        auto p = probe_speed();
        if (!p) {
            std::fprintf(stderr, "env-vmm: %s\n", p.error().what().c_str());
            return 1;
        }
        std::printf(
            "env-vmm probe: guest loop ran at %.1f M instructions/s (%.3f s): KVM is %s\n"
            "accelerated=%s mips=%.1f\n",
            p->mips, p->seconds,
            p->accelerated ? "hardware-accelerated" : "NOT hardware-accelerated (emulated)",
            p->accelerated ? "yes" : "no", p->mips);
        return p->accelerated ? 0 : 4;
    }

    VmmConfig config;
    if (!config_file.empty()) {
        auto text = sys::read_file(config_file);
        auto parsed = text ? parse_config_json(*text) : std::unexpected(text.error());
        if (!parsed) {
            std::fprintf(stderr, "env-vmm: %s\n", parsed.error().what().c_str());
            return 1;
        }
        config = *parsed;
    }
    if (kernel) config.kernel = *kernel;
    if (initrd) config.initrd = *initrd;
    if (cmdline) config.cmdline = *cmdline;
    if (memory) config.memory_mib = *memory;
    if (vcpus) config.vcpus = *vcpus;
    if (hugepages) config.hugepages = true;
    if (console_log) config.console_log = *console_log;
    if (control_socket) config.control_socket = *control_socket;
    if (no_rng) config.rng = false;
    for (auto& d : disks) {
        auto disk = parse_disk_flag(d);
        if (!disk) {
            std::fprintf(stderr, "env-vmm: %s\n", disk.error().what().c_str());
            return 2;
        }
        config.disks.push_back(*disk);
    }
    for (auto& n : nics) {
        auto nic = parse_nic_flag(n);
        if (!nic) {
            std::fprintf(stderr, "env-vmm: %s\n", nic.error().what().c_str());
            return 2;
        }
        config.nics.push_back(*nic);
    }

    auto vmm = Machine::create(config);
    if (!vmm) {
        std::fprintf(stderr, "env-vmm: %s\n", vmm.error().what().c_str());
        return vmm.error().kind() == ErrorKind::Usage ? 2 : 1;
    }
    return (*vmm)->run();
}

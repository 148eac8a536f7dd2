#include "providers/kvm/machine/machine.h"

#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>

#include "providers/kvm/acpi/tables.h"
#include "providers/kvm/boot/cpu_setup.h"
#include "providers/kvm/boot/layout.h"
#include "providers/kvm/boot/loader.h"
#include "providers/kvm/boot/mptable.h"
#include "providers/kvm/devices/power.h"
#include "providers/kvm/hypervisor/cpuid.h"
#include "providers/kvm/hypervisor/start_trace.h"
#include "util/sys.h"

namespace env::kvm {

namespace {
// An interrupt line into the in-kernel IRQ chip.
class KvmIrqLine : public IrqLine {
public:
    KvmIrqLine(const Vm& vm, uint32_t gsi) : vm_(vm), gsi_(gsi) {}
    void set_level(bool high) override {
        if (auto r = vm_.irq_line(gsi_, high); !r)
            spdlog::warn("IRQ {}: {}", gsi_, r.error().what());
    }

private:
    const Vm& vm_;
    uint32_t gsi_;
};

// Legacy PC ports (offsets inside each device, which never sees these numbers).
constexpr uint64_t kCom1 = 0x3F8, kI8042 = 0x60, kRtc = 0x70, kPciConfig = 0xCF8;
constexpr uint32_t kCom1Irq = 4, kKbdIrq = 1;
constexpr auto kPauseTimeout = std::chrono::milliseconds(2000);

std::string hex(uint64_t v) {
    char b[24];
    snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}
}  // namespace

Result<std::unique_ptr<Machine>> Machine::create(const VmmConfig& config) {
    TRY(validate(config));
    std::unique_ptr<Machine> vmm(new Machine());
    vmm->config_ = config;
    TRY(vmm->setup());
    return vmm;
}

Machine::~Machine() {
    control_.stop();
    for (auto& r : runners_) r->stop();
    virtio_.reset();  // no device work once the vCPUs are gone
    if (console_ && console_owned_) fclose(console_);
}

Result<> Machine::setup() {
    // Blocked in every thread (vCPU threads inherit the mask) and read from a signalfd by
    // the control thread: SIGTERM/SIGINT/SIGHUP end the machine cleanly.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    int sfd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) return fail_errno("signalfd");
    signal_fd_.reset(sfd);

    if (config_.console_log.empty()) {
        console_ = stdout;
    } else {
        console_ = fopen(config_.console_log.c_str(), "ae");
        if (!console_) return fail_errno("open console log " + config_.console_log);
        console_owned_ = true;
    }
    auto kernel = TRY(sys::read_file(config_.kernel));
    std::string initrd;
    if (!config_.initrd.empty()) initrd = TRY(sys::read_file(config_.initrd));

    start_trace::mark("kernel read");
    kvm_ = TRY(Kvm::open());
    memory_ = TRY(GuestMemory::create(config_.memory_mib << 20, config_.hugepages));
    vm_ = TRY(Vm::create(*kvm_));
    start_trace::mark("vm created");
    // RAM first, in this thread: before the IRQ chip exists a memory slot is cheap to add
    // (after it, measured several milliseconds more on the nested development hosts), and
    // a helper thread cost more in waiting to be scheduled than the overlap saved.
    TRY(map_memory());
    start_trace::mark("memory registered");
    TRY(vm_->create_irqchip());
    TRY(vm_->mask_pic());
    start_trace::mark("irqchip and pit created");
    TRY(setup_devices());
    virtio_ = TRY(VirtioDevices::create(config_, *vm_, *memory_, mmio_, *pci_));

    acpi::MachineDescription acpi_machine;
    acpi_machine.vcpus = config_.vcpus;
    acpi_machine.ioapic_id = static_cast<uint8_t>(config_.vcpus);  // as in the MP table
    acpi_machine.ioapic_addr = kIoapicAddr;
    acpi_machine.lapic_addr = kLapicAddr;
    acpi_machine.pci = {static_cast<uint32_t>(kMmioHoleStart), kIoapicAddr - 1, pci::legacy_irq};
    uint64_t rsdp = TRY(acpi::write_tables(*memory_, acpi_machine));
    auto boot = TRY(load_guest(
        *memory_, {reinterpret_cast<const uint8_t*>(kernel.data()), kernel.size()},
        {reinterpret_cast<const uint8_t*>(initrd.data()), initrd.size()}, config_.cmdline, rsdp));
    TRY(write_boot_tables(*memory_, boot.mode));
    auto mp = build_mptable(layout::kMpTable, config_.vcpus, pci_->occupied());
    TRY(memory_->write(layout::kMpTable, mp));
    spdlog::debug("kernel at {}, entry {} ({}), initrd {} bytes at {}", hex(boot.kernel_addr),
                  hex(boot.entry), boot.mode == EntryMode::Linux64 ? "64-bit" : "PVH",
                  boot.initrd_size, hex(boot.initrd_addr));

    start_trace::mark("boot tables written");
    auto supported = TRY(kvm_->supported_cpuid());
    start_trace::mark("cpuid read");
    VcpuRunner::install_kick_signal();
    uint32_t tsc_khz = 0;
    for (unsigned id = 0; id < config_.vcpus; ++id) {
        auto vcpu = TRY(vm_->create_vcpu(*kvm_, id));
        // Every vCPU has the same TSC frequency (KVM keeps them synchronized); read it once.
        if (id == 0) tsc_khz = TRY(vcpu.tsc_khz());
        TRY(vcpu.set_cpuid(
            with_timing_leaf(cpuid_for_vcpu(supported, id, config_.vcpus), tsc_khz)));
        // MTRRs on with write-back default (what firmware leaves), and fast strings. Best
        // effort: KVM refuses them when the host CPUID lacks the feature.
        for (kvm_msr_entry msr :
             {kvm_msr_entry{0x2FF, 0, (1u << 11) | 6}, kvm_msr_entry{0x1A0, 0, 1}})
            if (auto r = vcpu.set_msrs({msr}); !r)
                spdlog::debug("MSR 0x{:x} not set: {}", msr.index, r.error().what());
        kvm_fpu fpu{};
        fpu.fcw = 0x37F;  // x87 and SSE reset values (SDM vol 1, 8.1.5 and 10.2.3)
        fpu.mxcsr = 0x1F80;
        TRY(vcpu.set_fpu(fpu));
        TRY(vcpu.set_lint());
        if (id == 0) {
            // Application processors wait for INIT/SIPI in the in-kernel LAPIC; only the
            // bootstrap processor starts at the kernel's entry.
            auto sregs = TRY(vcpu.get_sregs());
            TRY(vcpu.set_sregs(boot_sregs(sregs, boot.mode)));
            TRY(vcpu.set_regs(boot_regs(boot)));
        }
        runners_.push_back(std::make_unique<VcpuRunner>(std::move(vcpu), pio_, mmio_,
                                                        [this](StopReason r) { request_stop(r); }));
    }
    start_trace::mark("vcpus set up");
    return {};
}

Result<> Machine::map_memory() {
    unsigned slot = 0;
    for (const auto& r : memory_->regions())
        TRY(vm_->add_memory(slot++, r.guest_addr, r.size, memory_->host_base() + r.offset));
    return {};
}

Result<> Machine::setup_devices() {
    serial_ = std::make_shared<Serial>(std::make_shared<KvmIrqLine>(*vm_, kCom1Irq),
                                       [this](std::span<const uint8_t> b) { serial_output(b); });
    i8042_ = std::make_shared<I8042>(std::make_shared<KvmIrqLine>(*vm_, kKbdIrq),
                                     [this] { request_stop(StopReason::Reset); });
    rtc_ = std::make_shared<Rtc>();
    uint64_t low = memory_->low_end(), high = memory_->size() - low;
    rtc_->set_memory_size(low, high);
    pci_ = std::make_shared<pci::PciBus>();
    TRY(pio_.insert(kCom1, 8, serial_));
    // The i8042 answers at 0x60 and 0x64 only; 0x61 (NMI status/speaker) and 0x62-0x63 stay
    // unmapped.
    TRY(pio_.insert(kI8042, 1, i8042_));
    TRY(pio_.insert(kI8042 + 4, 1, std::make_shared<OffsetShift>(i8042_, 4)));
    TRY(pio_.insert(kRtc, 2, rtc_));
    TRY(pio_.insert(kPciConfig, 8, pci_));
    TRY(pio_.insert(kPowerPort, kPowerPortLen,
                    std::make_shared<PowerControl>([this] { request_stop(StopReason::PowerOff); },
                                                   [this] { request_stop(StopReason::Reset); })));
    return {};
}

void Machine::serial_output(std::span<const uint8_t> bytes) {
    {
        std::lock_guard lock(console_mutex_);
        if (!console_written_) start_trace::mark("first serial byte");
        console_written_ = true;
        fwrite(bytes.data(), 1, bytes.size(), console_);
        fflush(console_);
    }
    control_.console_output({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

void Machine::request_stop(StopReason reason) {
    {
        std::lock_guard lock(stop_mutex_);
        if (stop_) return;
        stop_ = reason;
        stop_cv_.notify_all();
    }
    // No vCPU may run on once the machine has ended (a guest that powered off must not
    // print another byte); run() joins the threads.
    for (auto& r : runners_) r->request_exit();
}

int Machine::run() {
    started_ = std::chrono::steady_clock::now();
    if (auto r = control_.start(config_.control_socket, signal_fd_.get(), this); !r) {
        spdlog::error("{}", r.error().what());
        return 1;
    }
    start_trace::mark("control started");
    virtio_->start();
    // vCPU 0 (the one that starts at the kernel's entry) runs in this thread, which is on a
    // CPU already: a new thread would first wait to be scheduled, on a busy host a whole
    // scheduler slice (milliseconds) before the guest's first instruction. It returns once
    // the machine has ended; the other vCPUs get threads of their own.
    for (size_t i = 1; i < runners_.size(); ++i) runners_[i]->start();
    // The kernel and initrd images read during setup are freed but their heap pages stay
    // resident: give them back (under 0.1 ms), since a VMM lives for hours.
    ::malloc_trim(0);
    runners_[0]->run_here();
    StopReason reason;
    {
        std::unique_lock lock(stop_mutex_);
        stop_cv_.wait(lock, [&] { return stop_.has_value(); });
        reason = *stop_;
    }
    spdlog::info("env-vmm: {}", to_string(reason));
    for (auto& r : runners_) r->stop();
    virtio_->stop();
    control_.stop();
    return exit_status(reason);
}

nlohmann::json Machine::status() {
    nlohmann::json cpus = nlohmann::json::array();
    for (unsigned i = 0; i < runners_.size(); ++i) {
        nlohmann::json c = {{"id", i}};
        if (auto regs = runners_[i]->sample(kPauseTimeout)) c["rip"] = hex(regs->rip);
        cpus.push_back(c);
    }
    auto up = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    return {{"ok", true},
            {"state", paused_ ? "paused" : "running"},
            {"vcpus", cpus},
            {"memory_mib", config_.memory_mib},
            {"uptime_ms", up.count()},
            {"unknown_port_accesses", pio_.unknown_accesses()},
            {"unknown_mmio_accesses", mmio_.unknown_accesses()},
            {"virtio", virtio_->status()}};
}

nlohmann::json Machine::handle(const nlohmann::json& req) {
    const std::string cmd = req["cmd"].get<std::string>();
    if (cmd == "status") return status();
    if (cmd == "pause") {
        for (auto& r : runners_)
            if (!r->pause(kPauseTimeout)) {
                for (auto& again : runners_) again->resume();  // all or none
                return {{"ok", false}, {"error", "a vCPU did not pause"}};
            }
        paused_ = true;
        return {{"ok", true}, {"state", "paused"}};
    }
    if (cmd == "resume") {
        for (auto& r : runners_) r->resume();
        paused_ = false;
        return {{"ok", true}, {"state", "running"}};
    }
    if (cmd == "shutdown") {
        // Graceful: the guest sees Ctrl-Alt-Del and decides (Linux: SIGINT to init).
        i8042_->send_ctrl_alt_del();
        return {{"ok", true}, {"sent", "ctrl-alt-del"}};
    }
    if (cmd == "kill") {
        request_stop(StopReason::Killed);
        return {{"ok", true}};
    }
    return {{"ok", false},
            {"error",
             "unknown command '" + cmd + "' (status, pause, resume, shutdown, kill, console)"}};
}

size_t Machine::console_input(std::string_view bytes) {
    return serial_->receive(bytes);
}

void Machine::on_signal(int signo) {
    spdlog::info("env-vmm: signal {}", signo);
    request_stop(StopReason::Signal);
}

}  // namespace env::kvm

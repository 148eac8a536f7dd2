#pragma once
// The whole machine: KVM objects, memory, buses, legacy devices, PCI, the virtio devices
// (virtio_devices.h), vCPU threads and the control socket, wired explicitly. run() blocks until the
// guest or the control socket ends the machine and returns the documented exit status.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "providers/kvm/devices/i8042.h"
#include "providers/kvm/devices/rtc.h"
#include "providers/kvm/devices/serial.h"
#include "providers/kvm/hypervisor/bus.h"
#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/hypervisor/kvm.h"
#include "providers/kvm/hypervisor/vcpu_runner.h"
#include "providers/kvm/hypervisor/vm.h"
#include "providers/kvm/machine/virtio_devices.h"
#include "providers/kvm/pci/pci_bus.h"
#include "providers/kvm/vmm/config.h"
#include "providers/kvm/vmm/control.h"

namespace env::kvm {

class Machine : public ControlHandler {
public:
    static Result<std::unique_ptr<Machine>> create(const VmmConfig& config);
    ~Machine() override;

    // Starts the vCPUs and blocks until the machine ends; returns its exit status.
    int run();
    void request_stop(StopReason reason);

    nlohmann::json handle(const nlohmann::json& request) override;
    size_t console_input(std::string_view bytes) override;
    void on_signal(int signo) override;

private:
    Machine() : pio_("I/O port"), mmio_("MMIO") {}
    Result<> setup();
    Result<> setup_devices();
    Result<> map_memory();
    nlohmann::json status();
    void serial_output(std::span<const uint8_t> bytes);

    VmmConfig config_;
    std::optional<Kvm> kvm_;
    std::optional<GuestMemory> memory_;
    std::optional<Vm> vm_;
    Bus pio_, mmio_;
    std::shared_ptr<Serial> serial_;
    std::shared_ptr<I8042> i8042_;
    std::shared_ptr<Rtc> rtc_;
    std::shared_ptr<pci::PciBus> pci_;
    std::vector<std::unique_ptr<VcpuRunner>> runners_;
    ControlServer control_;
    UniqueFd signal_fd_;
    FILE* console_ = nullptr;
    bool console_owned_ = false;
    std::mutex console_mutex_;
    bool console_written_ = false;  // with console_mutex_; for start_trace

    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    std::optional<StopReason> stop_;
    bool paused_ = false;
    std::chrono::steady_clock::time_point started_;
    std::unique_ptr<VirtioDevices> virtio_;
};

}  // namespace env::kvm

#pragma once
// The virtio-pci transport, modern interface only (virtio 1.2 §4.1): a PCI function
// 1af4:1040+id whose capabilities point into one 32 KiB memory BAR holding the common
// configuration, the ISR, the device configuration, the queue notifications and the
// MSI-X table and PBA. No legacy (0.9.5) I/O BAR: every Linux since 4.0 drives the modern
// interface (drivers/virtio/virtio_pci_modern.c) and prefers it when both are offered.
//
// Threads: vCPUs reach the BAR and the configuration space; every register that touches
// the device or its queues runs on the event loop (EventLoop::run_sync), which owns the
// transport's virtio state. Queue notifications go guest -> KVM ioeventfd -> loop without
// a vCPU exit to userspace; interrupts go loop -> MSI-X vector (irqfd) or INTx + ISR.
#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "providers/kvm/devices/irq_line.h"
#include "providers/kvm/hypervisor/bus.h"
#include "providers/kvm/hypervisor/event_loop.h"
#include "providers/kvm/pci/config_space.h"
#include "providers/kvm/pci/msix.h"
#include "providers/kvm/pci/pci_device.h"
#include "providers/kvm/virtio/device.h"
#include "util/unique_fd.h"

namespace env::kvm::pci {

// What the transport needs from the machine (KVM and the MMIO bus in the VMM; fakes in tests).
class VirtioPciPlatform {
public:
    virtual ~VirtioPciPlatform() = default;
    virtual Result<> map_mmio(uint64_t base, uint64_t len, std::shared_ptr<BusDevice> device) = 0;
    virtual void unmap_mmio(uint64_t base) = 0;
    // Errors are not fatal: without an ioeventfd the notify register is a normal MMIO exit.
    virtual Result<> add_ioeventfd(int fd, uint64_t addr, unsigned len) = 0;
    virtual void remove_ioeventfd(int fd, uint64_t addr, unsigned len) = 0;
    virtual Result<std::unique_ptr<MsiSink>> msi_sink(unsigned vectors) = 0;
    virtual std::shared_ptr<IrqLine> intx_line(uint8_t gsi) = 0;
};

// BAR 0 layout.
inline constexpr uint32_t kCommonCfg = 0x0000, kIsrCfg = 0x1000, kDeviceCfg = 0x2000,
                          kNotifyCfg = 0x3000, kMsixTable = 0x4000, kMsixPba = 0x5000,
                          kBarSize = 0x8000;
inline constexpr uint32_t kNotifyMultiplier = 4;
inline constexpr uint16_t kNoVector = 0xFFFF;
// device_status bits (§2.1).
inline constexpr uint8_t kAcknowledge = 1, kDriver = 2, kDriverOk = 4, kFeaturesOk = 8,
                         kNeedsReset = 0x40, kFailed = 0x80;

class VirtioPci : public PciDevice,
                  public BusDevice,
                  public std::enable_shared_from_this<VirtioPci> {
public:
    static Result<std::shared_ptr<VirtioPci>> create(std::shared_ptr<virtio::Device> device,
                                                     GuestMemory& memory, EventLoop& loop,
                                                     VirtioPciPlatform& platform);
    // Before the loop and the platform go away (the buses may hold the transport longer):
    // resets and releases the device and drops the watches, the BAR mapping and the
    // ioeventfds. Nothing may reach the transport afterwards (the vCPUs are stopped).
    void shutdown();

    // The slot the PCI bus gave it: its INTx pin is legacy_irq(slot). `bar` is where the
    // VMM pre-assigns BAR 0 (as firmware would; the guest may move it).
    void place(unsigned slot, uint32_t bar);

    // For the control socket's status: notifications that came as MMIO exits (0 while
    // KVM's ioeventfds take them) and whether every queue has an ioeventfd.
    uint64_t notify_exits() const { return notify_exits_; }
    bool ioeventfds() {
        std::lock_guard lock(cfg_mutex_);
        return mapped_ &&
               std::all_of(ioeventfd_ok_.begin(), ioeventfd_ok_.end(), [](bool b) { return b; });
    }
    uint32_t device_id() const { return uint32_t(cfg_.read(kDeviceId, 2)); }

    uint32_t config_read(unsigned offset, unsigned size) override;
    void config_write(unsigned offset, unsigned size, uint32_t value) override;
    void read(uint64_t offset, std::span<uint8_t> data) override;
    void write(uint64_t offset, std::span<const uint8_t> data) override;

private:
    class Irq;
    VirtioPci(std::shared_ptr<virtio::Device> device, GuestMemory& memory, EventLoop& loop,
              VirtioPciPlatform& platform);
    void build_capabilities();
    void update_mapping();  // after a BAR or command write: (un)map BAR 0 and the ioeventfds
    void unmap();
    // Common configuration (virtio_pci_common.cpp), on the loop thread.
    uint64_t common_read(unsigned offset, unsigned size);
    void common_write(unsigned offset, unsigned size, uint64_t value);
    void set_status(uint8_t status);
    void reset();
    void notified(uint16_t queue);  // a queue's eventfd fired
    void bar_access(uint64_t offset, std::span<uint8_t> data, bool is_write);  // the PCI cfg window
    // Interrupts (virtio_pci_irq.cpp), on the loop thread.
    void raise_queue(uint16_t queue);
    void raise_config();
    uint8_t read_isr();

    std::shared_ptr<virtio::Device> device_;
    GuestMemory& memory_;
    EventLoop& loop_;
    VirtioPciPlatform& platform_;
    std::unique_ptr<Irq> irq_;
    std::unique_ptr<MsiSink> msi_sink_;
    std::unique_ptr<MsixTable> msix_;
    std::shared_ptr<IrqLine> intx_;

    // PCI side, guarded by cfg_mutex_ (vCPU threads).
    std::mutex cfg_mutex_;
    ConfigSpace cfg_;
    uint64_t mapped_ = 0;  // BAR 0 base currently on the bus and with ioeventfds, 0 if none
    std::vector<bool> ioeventfd_ok_;

    // virtio side, owned by the loop thread.
    uint64_t offer_ = 0;
    std::vector<uint16_t> max_sizes_;
    uint32_t device_feature_select_ = 0, driver_feature_select_ = 0;
    uint64_t driver_features_ = 0;
    uint8_t status_ = 0;
    uint16_t queue_select_ = 0, config_vector_ = kNoVector;
    std::vector<virtio::QueueConfig> queues_;
    std::vector<uint16_t> queue_vectors_;
    std::vector<UniqueFd> notify_fds_;
    bool active_ = false;
    std::atomic<uint8_t> config_generation_{0};
    std::atomic<uint8_t> isr_{0};
    std::atomic<bool> intx_disabled_{false};
    std::atomic<uint64_t> notify_exits_{0};
};

}  // namespace env::kvm::pci

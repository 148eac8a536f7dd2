// The VMM's virtio devices: built from the configuration, each behind a virtio-pci
// transport in its own PCI slot, BAR 0 pre-assigned in the 32-bit MMIO hole as firmware
// would, interrupts through MSI-X irqfds or the slot's INTx pin.
#include <spdlog/spdlog.h>

#include "providers/kvm/virtio/rng/device.h"
#include "providers/kvm/vmm.h"

namespace env::kvm {

namespace {
// Where BARs go: above the RAM that ends at the hole, below the IOAPIC at 0xFEC00000.
constexpr uint64_t kPciMmioBase = 0xD000'0000;

class KvmIntx : public IrqLine {
public:
    KvmIntx(const Vm& vm, uint32_t gsi) : vm_(vm), gsi_(gsi) {}
    void set_level(bool high) override {
        // PCI INTx is active low and level-triggered; the MP table says so, and KVM's
        // IOAPIC takes the logical level.
        if (auto r = vm_.irq_line(gsi_, high); !r)
            spdlog::warn("INTx {}: {}", gsi_, r.error().what());
    }

private:
    const Vm& vm_;
    uint32_t gsi_;
};

class VmmPciPlatform : public pci::VirtioPciPlatform {
public:
    VmmPciPlatform(const Vm& vm, Bus& mmio, pci::MsiRouter& router)
        : vm_(vm), mmio_(mmio), router_(router) {}
    Result<> map_mmio(uint64_t base, uint64_t len, std::shared_ptr<BusDevice> device) override {
        return mmio_.insert(base, len, std::move(device));
    }
    void unmap_mmio(uint64_t base) override { (void)mmio_.remove(base); }
    Result<> add_ioeventfd(int fd, uint64_t addr, unsigned len) override {
        return vm_.add_ioeventfd(fd, addr, len);
    }
    void remove_ioeventfd(int fd, uint64_t addr, unsigned len) override {
        if (auto r = vm_.remove_ioeventfd(fd, addr, len); !r) spdlog::warn("{}", r.error().what());
    }
    Result<std::unique_ptr<pci::MsiSink>> msi_sink(unsigned vectors) override {
        return std::unique_ptr<pci::MsiSink>(TRY(pci::KvmMsiSink::create(vm_, router_, vectors)));
    }
    std::shared_ptr<IrqLine> intx_line(uint8_t gsi) override {
        return std::make_shared<KvmIntx>(vm_, gsi);
    }

private:
    const Vm& vm_;
    Bus& mmio_;
    pci::MsiRouter& router_;
};
}  // namespace

Result<std::vector<std::shared_ptr<virtio::Device>>> Vmm::make_virtio_devices() {
    std::vector<std::shared_ptr<virtio::Device>> devices;
    if (!config_.disks.empty())
        return fail(ErrorKind::Invalid, "disks: virtio-blk is not in this build yet");
    if (!config_.nics.empty())
        return fail(ErrorKind::Invalid, "nics: virtio-net is not in this build yet");
    if (config_.rng) devices.push_back(std::make_shared<virtio::RngDevice>());
    return devices;
}

Result<> Vmm::setup_virtio() {
    virtio_devices_ = TRY(make_virtio_devices());
    if (virtio_devices_.empty()) return {};
    loop_ = TRY(EventLoop::create());
    msi_router_ = std::make_unique<pci::MsiRouter>(*vm_);
    pci_platform_ = std::make_unique<VmmPciPlatform>(*vm_, mmio_, *msi_router_);
    uint64_t bar = kPciMmioBase;
    for (auto& d : virtio_devices_) {
        auto t = TRY(pci::VirtioPci::create(d, *memory_, *loop_, *pci_platform_));
        unsigned slot = TRY(pci_->add(t));
        t->place(slot, static_cast<uint32_t>(bar));
        bar += pci::kBarSize;
        virtio_.push_back(std::move(t));
    }
    return {};
}

}  // namespace env::kvm

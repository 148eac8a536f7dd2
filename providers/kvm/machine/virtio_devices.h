#pragma once
// The machine's virtio devices, built from the configuration: each behind a virtio-pci
// transport in its own PCI slot (disks, NICs, rng in that order), BAR 0 pre-assigned in the
// 32-bit MMIO hole as firmware would, interrupts through MSI-X irqfds or the slot's INTx
// pin, all device work on one event-loop thread.
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "net/slirp_stack.h"
#include "providers/kvm/hypervisor/bus.h"
#include "providers/kvm/hypervisor/event_loop.h"
#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/hypervisor/vm.h"
#include "providers/kvm/pci/msix_routing.h"
#include "providers/kvm/pci/pci_bus.h"
#include "providers/kvm/pci/virtio_pci.h"
#include "providers/kvm/vmm/config.h"

namespace env::kvm {

class VirtioDevices {
public:
    // Plugs every configured device into `pci`; their BARs go on `mmio`.
    static Result<std::unique_ptr<VirtioDevices>> create(const VmmConfig& config, const Vm& vm,
                                                         GuestMemory& memory, Bus& mmio,
                                                         pci::PciBus& pci);
    ~VirtioDevices();
    VirtioDevices(const VirtioDevices&) = delete;
    VirtioDevices& operator=(const VirtioDevices&) = delete;

    // The device thread (nothing to run without devices).
    void start();
    void stop();
    // Per transport: device id, whether notifications use ioeventfds, MMIO notify exits.
    nlohmann::json status() const;

private:
    VirtioDevices() = default;
    Result<> make_devices(const VmmConfig& config);

    // Destroyed bottom-up: the transports and devices before the NAT stacks their
    // backends use, and before the loop they run on.
    std::unique_ptr<EventLoop> loop_;
    std::unique_ptr<pci::MsiRouter> msi_router_;
    std::unique_ptr<pci::VirtioPciPlatform> platform_;
    std::vector<std::unique_ptr<net::SlirpStack>> slirp_;  // one per slirp NIC
    std::vector<std::shared_ptr<virtio::Device>> devices_;
    std::vector<std::shared_ptr<pci::VirtioPci>> transports_;
};

}  // namespace env::kvm

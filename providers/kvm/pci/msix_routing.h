#pragma once
// MSI-X messages into KVM: each vector of each device gets its own GSI (from 24 up, above
// the IOAPIC's pins) and an irqfd on it, so a device thread raises an interrupt with one
// eventfd write and no ioctl. The GSI's route (the message address and data) is pushed
// lazily: Linux writes a vector's address and data while it is masked, and each
// KVM_SET_GSI_ROUTING waits for a kernel grace period, so the table is only re-sent when
// a message is about to use a route that changed.
#include <linux/kvm.h>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "providers/kvm/hypervisor/vm.h"
#include "providers/kvm/pci/msix.h"
#include "util/unique_fd.h"

namespace env::kvm::pci {

// The VM's whole GSI routing table: the IRQ chip's default pins plus the MSI routes.
class MsiRouter {
public:
    explicit MsiRouter(const Vm& vm) : vm_(vm) {}
    uint32_t allocate() {
        std::lock_guard lock(mutex_);
        return next_gsi_++;
    }
    // Makes `gsi` deliver (addr, data); re-sends the table only when the route changed.
    Result<> route(uint32_t gsi, uint64_t addr, uint32_t data);

private:
    const Vm& vm_;
    std::mutex mutex_;
    uint32_t next_gsi_ = 24;
    std::map<uint32_t, std::pair<uint64_t, uint32_t>> msi_;
};

// What KVM_CREATE_IRQCHIP installs: GSI 0-15 to the PICs and the IOAPIC, 16-23 to the IOAPIC.
std::vector<kvm_irq_routing_entry> default_irqchip_routes();

// One device's vectors: a GSI and an irqfd each.
class KvmMsiSink : public MsiSink {
public:
    static Result<std::unique_ptr<KvmMsiSink>> create(const Vm& vm, MsiRouter& router,
                                                      unsigned vectors);
    ~KvmMsiSink() override;
    void fire(unsigned vector, uint64_t addr, uint32_t data) override;

private:
    KvmMsiSink(const Vm& vm, MsiRouter& router) : vm_(vm), router_(router) {}
    struct Vector {
        uint32_t gsi;
        UniqueFd fd;
    };
    const Vm& vm_;
    MsiRouter& router_;
    std::vector<Vector> vectors_;
};

}  // namespace env::kvm::pci

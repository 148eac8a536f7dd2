#pragma once
// The Interrupt a virtio device raises, mapped by the transport (§4.1.4.5 and §4.1.5.3-4):
// with MSI-X enabled, the queue's (or the configuration's) vector; without, the ISR bit
// and the INTx line, which stays asserted until the driver reads the ISR.
#include "providers/kvm/pci/virtio_pci.h"

namespace env::kvm::pci {

class VirtioPci::Irq : public virtio::Interrupt {
public:
    explicit Irq(VirtioPci& t) : t_(t) {}
    void used_buffers(uint16_t queue) override { t_.raise_queue(queue); }
    void config_changed() override { t_.raise_config(); }
    void needs_reset() override {
        t_.status_ |= kNeedsReset;
        t_.raise_config();
    }

private:
    VirtioPci& t_;
};

}  // namespace env::kvm::pci

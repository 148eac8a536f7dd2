// Interrupt delivery for the virtio-pci transport (§4.1.4.5, §4.1.5.3, §4.1.5.4).
#include "providers/kvm/pci/virtio_pci_irq.h"

namespace env::kvm::pci {

void VirtioPci::raise_queue(uint16_t queue) {
    if (msix_->enabled()) {
        if (queue < queue_vectors_.size() && queue_vectors_[queue] != kNoVector)
            msix_->signal(queue_vectors_[queue]);
        return;
    }
    isr_ |= 1;
    if (intx_ && !intx_disabled_) intx_->set_level(true);
}

void VirtioPci::raise_config() {
    ++config_generation_;
    if (msix_->enabled()) {
        if (config_vector_ != kNoVector) msix_->signal(config_vector_);
        return;
    }
    isr_ |= 2;
    if (intx_ && !intx_disabled_) intx_->set_level(true);
}

uint8_t VirtioPci::read_isr() {
    // Reading clears the bits and lowers the line (§4.1.4.5).
    uint8_t v = isr_.exchange(0);
    if (intx_) {
        intx_->set_level(false);
        // A queue raised between the exchange and the lowering must not be lost.
        if (isr_.load() && !intx_disabled_) intx_->set_level(true);
    }
    return v;
}

}  // namespace env::kvm::pci

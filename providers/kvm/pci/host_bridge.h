#pragma once
// Device 00:00.0, the host bridge (class 06/00): what Linux expects to find first on bus 0.
#include "providers/kvm/pci/config_space.h"
#include "providers/kvm/pci/pci_device.h"

namespace env::kvm::pci {

class HostBridge : public PciDevice {
public:
    // Intel's 0x0d57 ID, as Firecracker uses: no Linux quirk is keyed to it.
    HostBridge() : config_(0x8086, 0x0D57, 0x060000) {}
    uint32_t config_read(unsigned offset, unsigned size) override {
        return config_.read(offset, size);
    }
    void config_write(unsigned offset, unsigned size, uint32_t value) override {
        config_.write(offset, size, value);
    }

private:
    ConfigSpace config_;
};

}  // namespace env::kvm::pci

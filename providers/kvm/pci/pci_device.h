#pragma once
// What the PCI bus needs from a device function: its configuration space. Part 2's
// virtio-pci transport implements this; BAR contents are mapped on the I/O or MMIO bus.
#include <cstdint>

namespace env::kvm::pci {

class PciDevice {
public:
    virtual ~PciDevice() = default;
    virtual uint32_t config_read(unsigned offset, unsigned size) = 0;
    virtual void config_write(unsigned offset, unsigned size, uint32_t value) = 0;
};

}  // namespace env::kvm::pci

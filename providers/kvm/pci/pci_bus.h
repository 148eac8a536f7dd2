#pragma once
// PCI bus 0 and configuration mechanism #1 (PCI Local Bus Spec 3.0, 3.2.2.3.2): a dword
// CONFIG_ADDRESS at port 0xCF8 (offset 0) and CONFIG_DATA at 0xCFC-0xCFF (offsets 4-7).
// Slots 1-31 are for part 2's devices; each slot's INTA is wired to its own IOAPIC pin
// (legacy_irq), which the MP table announces.
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>

#include "providers/kvm/hypervisor/bus.h"
#include "providers/kvm/pci/pci_device.h"

namespace env::kvm::pci {

inline constexpr unsigned kSlots = 32;
// IOAPIC pins 16-23 are free of ISA IRQs; slots share them round-robin, level-triggered,
// active low as PCI INTx wires are.
inline constexpr uint8_t legacy_irq(unsigned slot) {
    return static_cast<uint8_t>(16 + (slot % 8));
}

class PciBus : public BusDevice {
public:
    PciBus();  // with the host bridge in slot 0

    // Places `device` in a free slot (1-31) and returns it.
    Result<unsigned> add(std::shared_ptr<PciDevice> device);
    // Slots holding a device, for the MP table.
    std::array<bool, kSlots> occupied() const;

    void read(uint64_t offset, std::span<uint8_t> data) override;
    void write(uint64_t offset, std::span<const uint8_t> data) override;

private:
    // The function addressed by CONFIG_ADDRESS, or null (bus != 0, function != 0, empty slot).
    PciDevice* target(unsigned& reg) const;

    mutable std::mutex mutex_;
    uint32_t address_ = 0;
    std::array<std::shared_ptr<PciDevice>, kSlots> slots_;
};

}  // namespace env::kvm::pci

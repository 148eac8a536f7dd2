#include "providers/kvm/pci/pci_bus.h"

#include "providers/kvm/pci/host_bridge.h"

namespace env::kvm::pci {

PciBus::PciBus() {
    slots_[0] = std::make_shared<HostBridge>();
}

Result<unsigned> PciBus::add(std::shared_ptr<PciDevice> device) {
    std::lock_guard lock(mutex_);
    for (unsigned s = 1; s < kSlots; ++s)
        if (!slots_[s]) {
            slots_[s] = std::move(device);
            return s;
        }
    return fail(ErrorKind::Invalid, "PCI bus 0 is full");
}

std::array<bool, kSlots> PciBus::occupied() const {
    std::lock_guard lock(mutex_);
    std::array<bool, kSlots> o{};
    for (unsigned s = 0; s < kSlots; ++s) o[s] = slots_[s] != nullptr;
    return o;
}

PciDevice* PciBus::target(unsigned& reg) const {
    // CONFIG_ADDRESS: bit 31 enable, 23:16 bus, 15:11 device, 10:8 function, 7:2 register.
    if (!(address_ & 0x8000'0000u)) return nullptr;
    unsigned bus = (address_ >> 16) & 0xFF, dev = (address_ >> 11) & 0x1F,
             fn = (address_ >> 8) & 0x7;
    reg = address_ & 0xFC;
    if (bus != 0 || fn != 0) return nullptr;
    return slots_[dev].get();
}

void PciBus::read(uint64_t offset, std::span<uint8_t> data) {
    std::lock_guard lock(mutex_);
    uint32_t v = 0xFFFFFFFF;  // master abort: all ones, which is how "no device" reads
    unsigned size = static_cast<unsigned>(data.size());
    if (offset == 0 && size == 4) {
        v = address_;
    } else if (offset >= 4 && offset + size <= 8 && (size == 1 || size == 2 || size == 4)) {
        unsigned reg = 0;
        unsigned byte = static_cast<unsigned>(offset - 4);
        if (PciDevice* d = target(reg); d && (reg + byte) % size == 0)
            v = d->config_read(reg + byte, size);
    }
    for (unsigned i = 0; i < size; ++i) data[i] = (v >> (8 * i)) & 0xFF;
}

void PciBus::write(uint64_t offset, std::span<const uint8_t> data) {
    std::lock_guard lock(mutex_);
    unsigned size = static_cast<unsigned>(data.size());
    uint32_t v = 0;
    for (unsigned i = 0; i < size && i < 4; ++i) v |= uint32_t(data[i]) << (8 * i);
    if (offset == 0 && size == 4) {
        address_ = v & 0x80FF'FFFCu;  // reserved bits 30:24 and 1:0 read as zero
    } else if (offset >= 4 && offset + size <= 8 && (size == 1 || size == 2 || size == 4)) {
        unsigned reg = 0;
        unsigned byte = static_cast<unsigned>(offset - 4);
        if (PciDevice* d = target(reg); d && (reg + byte) % size == 0)
            d->config_write(reg + byte, size, v);
    }
    // Byte writes to 0xCF8 are not configuration cycles (they select other mechanisms): ignore.
}

}  // namespace env::kvm::pci

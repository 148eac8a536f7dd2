#include "providers/kvm/pci/config_space.h"

namespace env::kvm::pci {

ConfigSpace::ConfigSpace(uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t revision) {
    set16(kVendorId, vendor);
    set16(kDeviceId, device);
    bytes_[kRevision] = revision;
    bytes_[kClassProg] = class_code & 0xFF;
    bytes_[kClassProg + 1] = (class_code >> 8) & 0xFF;
    bytes_[kClassProg + 2] = (class_code >> 16) & 0xFF;
    // Command: I/O space, memory space, bus master, interrupt disable (section 6.2.2).
    set_writable(kCommand, 1, 0x07);
    set_writable(kCommand + 1, 1, 0x04);
    set_writable(kInterruptLine, 1, 0xFF);
}

void ConfigSpace::set16(unsigned off, uint16_t v) {
    bytes_[off] = v & 0xFF;
    bytes_[off + 1] = v >> 8;
}
void ConfigSpace::set32(unsigned off, uint32_t v) {
    for (unsigned i = 0; i < 4; ++i) bytes_[off + i] = (v >> (8 * i)) & 0xFF;
}
void ConfigSpace::set_writable(unsigned off, unsigned len, uint8_t mask) {
    for (unsigned i = 0; i < len && off + i < 256; ++i) mask_[off + i] = mask;
}

uint32_t ConfigSpace::read(unsigned offset, unsigned size) const {
    if ((size != 1 && size != 2 && size != 4) || offset % size || offset + size > 256)
        return 0xFFFFFFFF;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t(bytes_[offset + i]) << (8 * i);
    return v;
}

void ConfigSpace::write(unsigned offset, unsigned size, uint32_t value) {
    if ((size != 1 && size != 2 && size != 4) || offset % size || offset + size > 256) return;
    for (unsigned i = 0; i < size; ++i) {
        unsigned o = offset + i;
        uint8_t b = (value >> (8 * i)) & 0xFF;
        bytes_[o] = (bytes_[o] & ~mask_[o]) | (b & mask_[o]);
    }
}

void ConfigSpace::add_bar(unsigned index, uint32_t size, bool io) {
    if (index >= 6 || size == 0 || (size & (size - 1))) return;
    if (!io && size < 16) size = 16;
    if (io && size < 4) size = 4;
    bar_size_[index] = size;
    unsigned off = kBar0 + 4 * index;
    // Bit 0: I/O indicator; memory BARs: 32-bit, non-prefetchable (section 6.2.5.1).
    uint32_t flags = io ? 0x1 : 0x0;
    set32(off, flags);
    uint32_t writable = ~(size - 1) & (io ? ~0x3u : ~0xFu);
    for (unsigned i = 0; i < 4; ++i) mask_[off + i] = (writable >> (8 * i)) & 0xFF;
}

uint32_t ConfigSpace::bar_address(unsigned index) const {
    if (index >= 6) return 0;
    uint32_t v = read(kBar0 + 4 * index, 4);
    return (v & 0x1) ? (v & ~0x3u) : (v & ~0xFu);
}

void ConfigSpace::set_interrupt(uint8_t line, uint8_t pin) {
    bytes_[kInterruptLine] = line;
    bytes_[kInterruptPin] = pin;
}

}  // namespace env::kvm::pci

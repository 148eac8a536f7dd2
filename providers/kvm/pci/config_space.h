#pragma once
// A type-0 PCI configuration header (PCI Local Bus Spec 3.0, section 6.1) with per-byte
// write masks: the guest can only change what a real device lets it change, and BAR sizing
// (write all-ones, read back) falls out of the masks (section 6.2.5.1).
#include <array>
#include <cstdint>

namespace env::kvm::pci {

inline constexpr unsigned kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06,
                          kRevision = 0x08, kClassProg = 0x09, kHeaderType = 0x0E, kBar0 = 0x10,
                          kSubsystemVendor = 0x2C, kSubsystemId = 0x2E, kCapPtr = 0x34,
                          kInterruptLine = 0x3C, kInterruptPin = 0x3D;

class ConfigSpace {
public:
    ConfigSpace(uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t revision = 0);

    // Little-endian access of 1, 2 or 4 bytes; out-of-range or misaligned reads give ones.
    uint32_t read(unsigned offset, unsigned size) const;
    void write(unsigned offset, unsigned size, uint32_t value);

    // Declares BAR `index` (0-5): `size` a power of two; io: port BAR, else 32-bit memory.
    void add_bar(unsigned index, uint32_t size, bool io);
    uint32_t bar_address(unsigned index) const;
    void set_interrupt(uint8_t line, uint8_t pin);
    // Raw setters for devices (not masked).
    void set8(unsigned off, uint8_t v) { bytes_[off] = v; }
    void set16(unsigned off, uint16_t v);
    void set32(unsigned off, uint32_t v);
    void set_writable(unsigned off, unsigned len, uint8_t mask);

private:
    std::array<uint8_t, 256> bytes_{};
    std::array<uint8_t, 256> mask_{};
    std::array<uint32_t, 6> bar_size_{};
};

}  // namespace env::kvm::pci

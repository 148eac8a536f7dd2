#include "providers/kvm/devices/power.h"

#include <cstring>

namespace env::kvm {

void PowerControl::read(uint64_t, std::span<uint8_t> data) {
    // Sleep status: WAK_STS never set (we never wake); the rest reads zero.
    std::memset(data.data(), 0, data.size());
}

void PowerControl::write(uint64_t offset, std::span<const uint8_t> data) {
    if (data.size() != 1) return;
    uint8_t v = data[0];
    if (offset == kSleepControl) {
        // Bits 4:2 SLP_TYPx, bit 5 SLP_EN (ACPI 6.4, table 4.20). Only S5 means "off".
        if ((v & 0x20) && ((v >> 2) & 0x7) == kSlpTypS5 && power_off_) power_off_();
    } else if (offset == kResetReg) {
        if (v == kResetValue && reset_) reset_();
    }
}

}  // namespace env::kvm

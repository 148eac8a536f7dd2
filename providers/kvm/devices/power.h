#pragma once
// How a guest powers off (and, second route, resets): ACPI's hardware-reduced sleep
// registers (ACPI 6.4, 4.8.3.7 "Sleep Control and Status Registers") in I/O port space,
// announced by the FADT (acpi/tables.h) and \_S5 in the DSDT. Linux's poweroff writes
// SLP_TYP=5 | SLP_EN there. Reboots go through the i8042 or the FADT reset register.
#include <cstdint>
#include <functional>

#include "providers/kvm/hypervisor/bus.h"

namespace env::kvm {

inline constexpr uint64_t kPowerPort = 0x600;
inline constexpr uint64_t kPowerPortLen = 4;
// Offsets in the power window.
inline constexpr uint64_t kSleepControl = 0, kSleepStatus = 1, kResetReg = 2;
inline constexpr uint8_t kResetValue = 0x01;
inline constexpr uint8_t kSlpTypS5 = 5;

class PowerControl : public BusDevice {
public:
    PowerControl(std::function<void()> power_off, std::function<void()> reset)
        : power_off_(std::move(power_off)), reset_(std::move(reset)) {}
    void read(uint64_t offset, std::span<uint8_t> data) override;
    void write(uint64_t offset, std::span<const uint8_t> data) override;

private:
    std::function<void()> power_off_, reset_;
};

}  // namespace env::kvm

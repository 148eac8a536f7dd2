#pragma once
// The MC146818 CMOS RTC at ports 0x70 (offset 0, index; bit 7 masks NMI) and 0x71 (offset 1,
// data). Time registers read the host's clock (UTC) plus whatever offset the guest set;
// the rest is 128 bytes of NVRAM. Register map: Motorola MC146818A data sheet, table 2.
#include <cstdint>
#include <ctime>
#include <functional>
#include <mutex>

#include "providers/kvm/hypervisor/bus.h"

namespace env::kvm {

class Rtc : public BusDevice {
public:
    using Clock = std::function<time_t()>;
    explicit Rtc(Clock clock = [] { return ::time(nullptr); });

    void read(uint64_t offset, std::span<uint8_t> data) override;
    void write(uint64_t offset, std::span<const uint8_t> data) override;

    // CMOS bytes 0x34/0x35 and 0x5b-0x5d report memory the way SeaBIOS expects to find it.
    void set_memory_size(uint64_t low_bytes, uint64_t high_bytes);

private:
    uint8_t read_reg(uint8_t reg);
    void write_reg(uint8_t reg, uint8_t v);
    uint8_t encode(unsigned v) const;  // BCD unless register B's DM bit says binary
    unsigned decode(uint8_t v) const;

    Clock clock_;
    std::mutex mutex_;
    uint8_t index_ = 0;
    uint8_t nvram_[128] = {};
    time_t offset_ = 0;  // guest-set time minus host time
};

}  // namespace env::kvm

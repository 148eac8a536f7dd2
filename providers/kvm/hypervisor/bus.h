#pragma once
// An address bus (I/O ports or MMIO): ranges mapped to devices. A device only ever sees the
// offset into its own range, never the absolute port or address, so it can be placed
// anywhere (and PCI BARs can move it at run time; the map is guarded for that).
// Accesses to unmapped addresses are the guest's business: reads return all-ones, writes
// are dropped, and both are logged at a limited rate.
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>

#include "providers/kvm/hypervisor/rate_limited_log.h"
#include "util/error.h"

namespace env::kvm {

class BusDevice {
public:
    virtual ~BusDevice() = default;
    // `data.size()` is the access width (1, 2, 4 or 8). Devices must tolerate any offset
    // and width inside their range: the guest chooses them.
    virtual void read(uint64_t offset, std::span<uint8_t> data) = 0;
    virtual void write(uint64_t offset, std::span<const uint8_t> data) = 0;
};

class Bus {
public:
    explicit Bus(std::string name) : name_(std::move(name)), unknown_(name_) {}

    // Maps [base, base+len) to `device`; refuses overlaps.
    Result<> insert(uint64_t base, uint64_t len, std::shared_ptr<BusDevice> device);
    Result<> remove(uint64_t base);
    // True when a device took the access.
    bool read(uint64_t addr, std::span<uint8_t> data);
    bool write(uint64_t addr, std::span<const uint8_t> data);
    uint64_t unknown_accesses() const { return unknown_.total(); }

private:
    struct Range {
        uint64_t len;
        std::shared_ptr<BusDevice> device;
    };
    // The device covering [addr, addr+size) and the offset, or null.
    std::shared_ptr<BusDevice> find(uint64_t addr, uint64_t size, uint64_t& offset) const;

    std::string name_;
    mutable std::shared_mutex mutex_;
    std::map<uint64_t, Range> ranges_;  // by base
    RateLimitedLog unknown_;
};

}  // namespace env::kvm

namespace env::kvm {

// Maps a second window of a device (the i8042's 0x64 next to 0x60): accesses reach `inner`
// at offset + `shift`.
class OffsetShift : public BusDevice {
public:
    OffsetShift(std::shared_ptr<BusDevice> inner, uint64_t shift)
        : inner_(std::move(inner)), shift_(shift) {}
    void read(uint64_t offset, std::span<uint8_t> data) override {
        inner_->read(offset + shift_, data);
    }
    void write(uint64_t offset, std::span<const uint8_t> data) override {
        inner_->write(offset + shift_, data);
    }

private:
    std::shared_ptr<BusDevice> inner_;
    uint64_t shift_;
};

}  // namespace env::kvm

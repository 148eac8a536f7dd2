#pragma once
// An MSI-X table and pending-bit array (PCI Local Bus Spec 3.0, section 6.8.2): the guest
// programs each vector's message address and data and masks vectors; the device signals
// vectors. A masked vector's message is held as a pending bit and sent on unmask. Where a
// message goes is the MsiSink's business (KVM routes and irqfds in the VMM, a recorder in
// tests). Table writes come from vCPU threads, signals from the device thread: one mutex.
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

namespace env::kvm::pci {

class MsiSink {
public:
    virtual ~MsiSink() = default;
    // Deliver message (addr, data) for `vector` now.
    virtual void fire(unsigned vector, uint64_t addr, uint32_t data) = 0;
};

// Message control bits of the MSI-X capability.
inline constexpr uint16_t kMsixEnable = 0x8000, kMsixFunctionMask = 0x4000;

class MsixTable {
public:
    MsixTable(unsigned vectors, MsiSink& sink);

    unsigned size() const { return static_cast<unsigned>(entries_.size()); }
    uint32_t table_bytes() const { return size() * 16; }
    uint32_t pba_bytes() const { return (size() + 63) / 64 * 8; }

    // The enable and function-mask bits the guest wrote to message control.
    void set_control(uint16_t control);
    bool enabled() const;

    void table_read(uint64_t offset, std::span<uint8_t> data);
    void table_write(uint64_t offset, std::span<const uint8_t> data);
    void pba_read(uint64_t offset, std::span<uint8_t> data);

    // Sends the vector's message or marks it pending while masked. No-op when MSI-X is off
    // or the vector is out of range.
    void signal(unsigned vector);
    // Back to the state after reset: every vector masked, nothing pending, disabled.
    void reset();

private:
    struct Entry {
        uint32_t addr_lo = 0, addr_hi = 0, data = 0, control = 1;  // masked
        bool pending = false;
    };
    bool masked(const Entry& e) const { return function_mask_ || (e.control & 1); }
    void deliver_unmasked();  // pending vectors no longer masked

    MsiSink& sink_;
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
    bool enabled_ = false, function_mask_ = false;
};

}  // namespace env::kvm::pci

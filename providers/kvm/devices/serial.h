#pragma once
// 8250/16550A UART as Linux's 8250 driver and a polling guest use it: eight registers at
// offsets 0-7 (COM1 is 0x3F8, IRQ 4). Transmit is instantaneous (bytes go to a sink);
// received bytes wait in a FIFO. Register semantics follow the 16550A data sheet
// (National Semiconductor, "PC16550D", section 8: registers).
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>

#include "providers/kvm/devices/irq_line.h"
#include "providers/kvm/hypervisor/bus.h"

namespace env::kvm {

class Serial : public BusDevice {
public:
    using Sink = std::function<void(std::span<const uint8_t>)>;
    Serial(std::shared_ptr<IrqLine> irq, Sink sink)
        : irq_(std::move(irq)), sink_(std::move(sink)) {}

    void read(uint64_t offset, std::span<uint8_t> data) override;
    void write(uint64_t offset, std::span<const uint8_t> data) override;

    // Queues input for the guest (console, control socket). Returns how many bytes fit.
    size_t receive(std::string_view bytes);
    size_t rx_space() const;

    static constexpr size_t kRxCapacity = 4096;

private:
    uint8_t read_reg(unsigned reg);
    void write_reg(unsigned reg, uint8_t v);
    void update_irq();  // with mutex_ held
    uint8_t iir() const;

    std::shared_ptr<IrqLine> irq_;
    Sink sink_;
    mutable std::mutex mutex_;
    std::deque<uint8_t> rx_;
    uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0x0C, dlm_ = 0, fcr_ = 0;
    bool thr_empty_irq_ = false;  // THRE interrupt pending (cleared by an IIR read or THR write)
    bool overrun_ = false;
    bool irq_level_ = false;
};

}  // namespace env::kvm

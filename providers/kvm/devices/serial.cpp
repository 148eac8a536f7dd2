#include "providers/kvm/devices/serial.h"

namespace env::kvm {

namespace {
// Register offsets and bits (PC16550D data sheet, table 2 and section 8).
constexpr unsigned kRbrThr = 0, kIer = 1, kIirFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6,
                   kScr = 7;
constexpr uint8_t kIerRda = 0x01, kIerThre = 0x02, kIerRls = 0x04;
constexpr uint8_t kIirNone = 0x01, kIirRls = 0x06, kIirRda = 0x04, kIirThre = 0x02, kIirFifo = 0xC0;
constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kMcrDtr = 0x01, kMcrRts = 0x02, kMcrOut1 = 0x04, kMcrOut2 = 0x08, kMcrLoop = 0x10;
constexpr uint8_t kLsrDr = 0x01, kLsrOe = 0x02, kLsrThre = 0x20, kLsrTemt = 0x40;
constexpr uint8_t kMsrCts = 0x10, kMsrDsr = 0x20, kMsrRi = 0x40, kMsrDcd = 0x80;
constexpr uint8_t kFcrEnable = 0x01, kFcrClearRx = 0x02;
}  // namespace

void Serial::read(uint64_t offset, std::span<uint8_t> data) {
    std::lock_guard lock(mutex_);
    // Wider accesses read consecutive registers, like the hardware's byte lanes.
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = offset + i < 8 ? read_reg(static_cast<unsigned>(offset + i)) : 0xFF;
    update_irq();
}

void Serial::write(uint64_t offset, std::span<const uint8_t> data) {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < data.size(); ++i)
        if (offset + i < 8) write_reg(static_cast<unsigned>(offset + i), data[i]);
    update_irq();
}

uint8_t Serial::iir() const {
    // Priority: line status, received data, THR empty (section 8.5, table 4).
    uint8_t fifo = (fcr_ & kFcrEnable) ? kIirFifo : 0;
    if ((ier_ & kIerRls) && overrun_) return kIirRls | fifo;
    if ((ier_ & kIerRda) && !rx_.empty()) return kIirRda | fifo;
    if ((ier_ & kIerThre) && thr_empty_irq_) return kIirThre | fifo;
    return kIirNone | fifo;
}

uint8_t Serial::read_reg(unsigned reg) {
    bool dlab = lcr_ & kLcrDlab;
    switch (reg) {
        case kRbrThr: {
            if (dlab) return dll_;
            if (rx_.empty()) return 0;
            uint8_t b = rx_.front();
            rx_.pop_front();
            return b;
        }
        case kIer:
            return dlab ? dlm_ : ier_;
        case kIirFcr: {
            uint8_t v = iir();
            // Reading IIR while it reports THRE clears that interrupt (section 8.5).
            if ((v & 0x0F) == kIirThre) thr_empty_irq_ = false;
            return v;
        }
        case kLcr:
            return lcr_;
        case kMcr:
            return mcr_;
        case kLsr: {
            uint8_t v = kLsrThre | kLsrTemt;  // transmit never waits
            if (!rx_.empty()) v |= kLsrDr;
            if (overrun_) v |= kLsrOe;
            overrun_ = false;  // error bits clear on read
            return v;
        }
        case kMsr:
            if (mcr_ & kMcrLoop) {
                // Loopback wires the modem outputs to the inputs (section 8.6).
                uint8_t v = 0;
                if (mcr_ & kMcrDtr) v |= kMsrDsr;
                if (mcr_ & kMcrRts) v |= kMsrCts;
                if (mcr_ & kMcrOut1) v |= kMsrRi;
                if (mcr_ & kMcrOut2) v |= kMsrDcd;
                return v;
            }
            return kMsrDcd | kMsrDsr | kMsrCts;  // a cable is always present
        case kScr:
            return scr_;
    }
    return 0xFF;
}

void Serial::write_reg(unsigned reg, uint8_t v) {
    bool dlab = lcr_ & kLcrDlab;
    switch (reg) {
        case kRbrThr:
            if (dlab) {
                dll_ = v;
                return;
            }
            thr_empty_irq_ = false;
            if (mcr_ & kMcrLoop) {
                if (rx_.size() < kRxCapacity)
                    rx_.push_back(v);
                else
                    overrun_ = true;
            } else if (sink_) {
                sink_({&v, 1});
            }
            thr_empty_irq_ = true;  // the byte left at once: THR is empty again
            return;
        case kIer:
            if (dlab) {
                dlm_ = v;
                return;
            }
            // Enabling ETBEI while THR is empty raises THRE at once (Linux relies on it).
            if ((v & kIerThre) && !(ier_ & kIerThre)) thr_empty_irq_ = true;
            ier_ = v & 0x0F;
            return;
        case kIirFcr:
            fcr_ = v & 0xC9;
            if (v & kFcrClearRx) rx_.clear();
            return;
        case kLcr:
            lcr_ = v;
            return;
        case kMcr:
            mcr_ = v & 0x1F;
            return;
        case kLsr:
            return;  // read-only (factory test register on real parts)
        case kMsr:
            return;
        case kScr:
            scr_ = v;
            return;
    }
}

void Serial::update_irq() {
    // The 8250's interrupt reaches the PIC only through the OUT2 gate (PC/AT wiring).
    bool level = (mcr_ & kMcrOut2) && (iir() & kIirNone) == 0;
    if (level != irq_level_) {
        irq_level_ = level;
        if (irq_) irq_->set_level(level);
    }
}

size_t Serial::receive(std::string_view bytes) {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (char c : bytes) {
        if (rx_.size() >= kRxCapacity) break;
        rx_.push_back(static_cast<uint8_t>(c));
        ++n;
    }
    update_irq();
    return n;
}

size_t Serial::rx_space() const {
    std::lock_guard lock(mutex_);
    return kRxCapacity - rx_.size();
}

}  // namespace env::kvm

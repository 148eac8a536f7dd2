#include "providers/kvm/pci/msix.h"

namespace env::kvm::pci {

MsixTable::MsixTable(unsigned vectors, MsiSink& sink) : sink_(sink), entries_(vectors) {}

void MsixTable::set_control(uint16_t control) {
    std::lock_guard lock(mutex_);
    enabled_ = control & kMsixEnable;
    function_mask_ = control & kMsixFunctionMask;
    deliver_unmasked();
}

bool MsixTable::enabled() const {
    std::lock_guard lock(mutex_);
    return enabled_;
}

void MsixTable::table_read(uint64_t offset, std::span<uint8_t> data) {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < data.size(); ++i) {
        uint64_t o = offset + i;
        data[i] = 0xFF;
        if (o / 16 >= entries_.size()) continue;
        const Entry& e = entries_[o / 16];
        uint32_t words[4] = {e.addr_lo, e.addr_hi, e.data, e.control};
        data[i] = (words[(o % 16) / 4] >> (8 * (o % 4))) & 0xFF;
    }
}

void MsixTable::table_write(uint64_t offset, std::span<const uint8_t> data) {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < data.size(); ++i) {
        uint64_t o = offset + i;
        if (o / 16 >= entries_.size()) continue;
        Entry& e = entries_[o / 16];
        uint32_t* words[4] = {&e.addr_lo, &e.addr_hi, &e.data, &e.control};
        uint32_t& w = *words[(o % 16) / 4];
        unsigned shift = 8 * (o % 4);
        w = (w & ~(0xFFu << shift)) | (uint32_t(data[i]) << shift);
        e.control &= 1;  // only the mask bit is writable
    }
    deliver_unmasked();
}

void MsixTable::pba_read(uint64_t offset, std::span<uint8_t> data) {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < data.size(); ++i) {
        uint8_t b = 0;
        for (unsigned bit = 0; bit < 8; ++bit) {
            uint64_t v = (offset + i) * 8 + bit;
            if (v < entries_.size() && entries_[v].pending) b |= uint8_t(1u << bit);
        }
        data[i] = b;
    }
}

void MsixTable::signal(unsigned vector) {
    std::lock_guard lock(mutex_);
    if (!enabled_ || vector >= entries_.size()) return;
    Entry& e = entries_[vector];
    if (masked(e)) {
        e.pending = true;
        return;
    }
    sink_.fire(vector, e.addr_lo | uint64_t(e.addr_hi) << 32, e.data);
}

void MsixTable::reset() {
    std::lock_guard lock(mutex_);
    for (auto& e : entries_) e = Entry{};
    enabled_ = function_mask_ = false;
}

void MsixTable::deliver_unmasked() {
    if (!enabled_) return;
    for (unsigned v = 0; v < entries_.size(); ++v) {
        Entry& e = entries_[v];
        if (e.pending && !masked(e)) {
            e.pending = false;
            sink_.fire(v, e.addr_lo | uint64_t(e.addr_hi) << 32, e.data);
        }
    }
}

}  // namespace env::kvm::pci

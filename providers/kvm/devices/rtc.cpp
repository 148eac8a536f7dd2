#include "providers/kvm/devices/rtc.h"

namespace env::kvm {

namespace {
constexpr uint8_t kSec = 0x00, kMin = 0x02, kHour = 0x04, kWday = 0x06, kMday = 0x07, kMon = 0x08,
                  kYear = 0x09, kRegA = 0x0A, kRegB = 0x0B, kRegC = 0x0C, kRegD = 0x0D,
                  kCentury = 0x32;
constexpr uint8_t kBDm = 0x04, kB24h = 0x02, kBSet = 0x80;
}  // namespace

Rtc::Rtc(Clock clock) : clock_(std::move(clock)) {
    nvram_[kRegA] = 0x26;   // 32.768 kHz time base, 1024 Hz rate; UIP clear
    nvram_[kRegB] = kB24h;  // 24-hour, BCD, no interrupts
    nvram_[kRegD] = 0x80;   // VRT: the battery is good
}

void Rtc::set_memory_size(uint64_t low, uint64_t high) {
    std::lock_guard lock(mutex_);
    // Memory between 16 MiB and the hole, in 64 KiB units (0x34/0x35); above 4 GiB (0x5b-0x5d).
    uint64_t above16 = low > (16u << 20) ? (low - (16u << 20)) >> 16 : 0;
    if (above16 > 0xFFFF) above16 = 0xFFFF;
    nvram_[0x34] = above16 & 0xFF;
    nvram_[0x35] = (above16 >> 8) & 0xFF;
    uint64_t hi = high >> 16;
    nvram_[0x5B] = hi & 0xFF;
    nvram_[0x5C] = (hi >> 8) & 0xFF;
    nvram_[0x5D] = (hi >> 16) & 0xFF;
}

void Rtc::read(uint64_t offset, std::span<uint8_t> data) {
    std::lock_guard lock(mutex_);
    for (auto& b : data) b = 0xFF;
    if (data.size() != 1) return;
    if (offset == 0)
        data[0] = index_;
    else if (offset == 1)
        data[0] = read_reg(index_ & 0x7F);
}

void Rtc::write(uint64_t offset, std::span<const uint8_t> data) {
    std::lock_guard lock(mutex_);
    if (data.size() != 1) return;
    if (offset == 0)
        index_ = data[0];  // bit 7 is the NMI mask: nothing to mask here
    else if (offset == 1)
        write_reg(index_ & 0x7F, data[0]);
}

uint8_t Rtc::encode(unsigned v) const {
    if (nvram_[kRegB] & kBDm) return static_cast<uint8_t>(v);
    return static_cast<uint8_t>(((v / 10) << 4) | (v % 10));
}

unsigned Rtc::decode(uint8_t v) const {
    if (nvram_[kRegB] & kBDm) return v;
    return (v >> 4) * 10 + (v & 0x0F);
}

uint8_t Rtc::read_reg(uint8_t reg) {
    if (reg > kYear && reg != kCentury) {
        if (reg == kRegC) {
            uint8_t v = nvram_[kRegC];
            nvram_[kRegC] = 0;  // interrupt flags clear on read
            return v;
        }
        return nvram_[reg];
    }
    if (reg != kSec && reg != kMin && reg != kHour && reg != kWday && reg != kMday && reg != kMon &&
        reg != kYear && reg != kCentury)
        return nvram_[reg];  // alarm registers 1, 3, 5
    time_t now = clock_() + offset_;
    struct tm tm {};
    gmtime_r(&now, &tm);
    switch (reg) {
        case kSec:
            return encode(tm.tm_sec);
        case kMin:
            return encode(tm.tm_min);
        case kHour: {
            if (nvram_[kRegB] & kB24h) return encode(tm.tm_hour);
            unsigned h = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
            return encode(h) | (tm.tm_hour >= 12 ? 0x80 : 0);  // bit 7: PM
        }
        case kWday:
            return encode(tm.tm_wday + 1);
        case kMday:
            return encode(tm.tm_mday);
        case kMon:
            return encode(tm.tm_mon + 1);
        case kYear:
            return encode(tm.tm_year % 100);
        case kCentury:
            return encode((tm.tm_year + 1900) / 100);
    }
    return 0;
}

void Rtc::write_reg(uint8_t reg, uint8_t v) {
    switch (reg) {
        case kRegA:
            nvram_[kRegA] = (nvram_[kRegA] & 0x80) | (v & 0x7F);
            return;  // UIP read-only
        case kRegC:
        case kRegD:
            return;  // read-only
        case kSec:
        case kMin:
        case kHour:
        case kMday:
        case kMon:
        case kYear:
        case kCentury: {
            // The guest sets the clock: keep it as an offset from the host's time.
            time_t now = clock_() + offset_;
            struct tm tm {};
            gmtime_r(&now, &tm);
            unsigned d = decode(reg == kHour ? (v & 0x7F) : v);
            if (reg == kSec) tm.tm_sec = d;
            if (reg == kMin) tm.tm_min = d;
            if (reg == kHour) tm.tm_hour = d;
            if (reg == kMday) tm.tm_mday = d;
            if (reg == kMon) tm.tm_mon = static_cast<int>(d) - 1;
            if (reg == kYear) tm.tm_year = (tm.tm_year / 100) * 100 + static_cast<int>(d);
            if (reg == kCentury) tm.tm_year = static_cast<int>(d) * 100 - 1900 + tm.tm_year % 100;
            time_t set = timegm(&tm);
            if (set != static_cast<time_t>(-1)) offset_ = set - clock_();
            return;
        }
        default:
            nvram_[reg] = v;
            return;
    }
    (void)kBSet;
}

}  // namespace env::kvm

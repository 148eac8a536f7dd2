#include "providers/kvm/hypervisor/bus.h"

#include <fmt/format.h>
#include <cstring>
#include <mutex>

namespace env::kvm {

Result<> Bus::insert(uint64_t base, uint64_t len, std::shared_ptr<BusDevice> device) {
    if (len == 0 || base + len < base)
        return fail(ErrorKind::Internal, name_ + ": empty or wrapping range");
    std::unique_lock lock(mutex_);
    auto next = ranges_.lower_bound(base);
    if (next != ranges_.end() && next->first < base + len)
        return fail(ErrorKind::Internal, fmt::format("{}: 0x{:x}+0x{:x} overlaps 0x{:x}", name_,
                                                     base, len, next->first));
    if (next != ranges_.begin()) {
        auto prev = std::prev(next);
        if (prev->first + prev->second.len > base)
            return fail(ErrorKind::Internal,
                        fmt::format("{}: 0x{:x} overlaps 0x{:x}", name_, base, prev->first));
    }
    ranges_.emplace(base, Range{len, std::move(device)});
    return {};
}

Result<> Bus::remove(uint64_t base) {
    std::unique_lock lock(mutex_);
    if (!ranges_.erase(base))
        return fail(ErrorKind::Internal, fmt::format("{}: nothing at 0x{:x}", name_, base));
    return {};
}

std::shared_ptr<BusDevice> Bus::find(uint64_t addr, uint64_t size, uint64_t& offset) const {
    std::shared_lock lock(mutex_);
    auto it = ranges_.upper_bound(addr);
    if (it == ranges_.begin()) return nullptr;
    --it;
    offset = addr - it->first;
    // The whole access must fall inside the range; a straddling access is unknown.
    if (offset >= it->second.len || size > it->second.len - offset) return nullptr;
    return it->second.device;
}

bool Bus::read(uint64_t addr, std::span<uint8_t> data) {
    uint64_t offset = 0;
    if (auto d = find(addr, data.size(), offset)) {
        d->read(offset, data);
        return true;
    }
    std::memset(data.data(), 0xFF, data.size());
    unknown_.warn(fmt::format("read of {} bytes at unmapped 0x{:x} ignored", data.size(), addr));
    return false;
}

bool Bus::write(uint64_t addr, std::span<const uint8_t> data) {
    uint64_t offset = 0;
    if (auto d = find(addr, data.size(), offset)) {
        d->write(offset, data);
        return true;
    }
    unknown_.warn(fmt::format("write of {} bytes at unmapped 0x{:x} ignored", data.size(), addr));
    return false;
}

}  // namespace env::kvm

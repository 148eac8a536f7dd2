#include "providers/kvm/boot/e820.h"

#include "providers/kvm/boot/boot_params.h"
#include "providers/kvm/boot/layout.h"

namespace env::kvm {

std::vector<E820Entry> build_e820(const std::vector<MemoryRegion>& regions) {
    std::vector<E820Entry> map;
    map.push_back({0, layout::kEbda, kE820Ram});
    map.push_back({layout::kEbda, layout::kLowRamEnd - layout::kEbda, kE820Reserved});
    map.push_back({layout::kBiosArea, layout::kHighMem - layout::kBiosArea, kE820Reserved});
    for (const auto& r : regions) {
        uint64_t start = r.guest_addr < layout::kHighMem ? layout::kHighMem : r.guest_addr;
        uint64_t end = r.guest_addr + r.size;
        if (end > start) map.push_back({start, end - start, kE820Ram});
    }
    return map;
}

void write_e820(std::span<uint8_t> zp, const std::vector<E820Entry>& map) {
    unsigned n = 0;
    for (const auto& e : map) {
        if (n == bp::kE820Max) break;
        unsigned off = bp::kE820Table + n * bp::kE820EntrySize;
        bp::put64(zp, off, e.addr);
        bp::put64(zp, off + 8, e.size);
        bp::put32(zp, off + 16, e.type);
        ++n;
    }
    bp::put8(zp, bp::kE820Entries, static_cast<uint8_t>(n));
}

}  // namespace env::kvm

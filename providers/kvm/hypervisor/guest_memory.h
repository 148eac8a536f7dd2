#pragma once
// Guest RAM: one memfd mapped once into the VMM, split into KVM memory slots around the
// 32-bit PCI hole. All guest-physical accesses made by the VMM go through here and are
// bounds-checked, because every address a guest hands us is untrusted input.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/error.h"
#include "util/mapping.h"
#include "util/unique_fd.h"

namespace env::kvm {

// Where the 32-bit MMIO hole (IOAPIC, LAPIC, PCI BARs) starts; RAM above it moves to 4 GiB.
inline constexpr uint64_t kMmioHoleStart = 0xC000'0000;
inline constexpr uint64_t kMmioHoleEnd = 0x1'0000'0000;

struct MemoryRegion {
    uint64_t guest_addr;
    uint64_t size;
    uint64_t offset;  // into the memfd and the host mapping
};

class GuestMemory {
public:
    // hugepages: back RAM with 2 MiB pages (MFD_HUGETLB); size must then be a multiple of 2 MiB.
    static Result<GuestMemory> create(uint64_t size, bool hugepages = false);

    uint64_t size() const { return mapping_.size(); }
    const std::vector<MemoryRegion>& regions() const { return regions_; }
    // Highest guest-physical address below the hole that is RAM (exclusive).
    uint64_t low_end() const { return regions_.front().guest_addr + regions_.front().size; }
    unsigned char* host_base() const { return mapping_.bytes(); }
    int fd() const { return fd_.get(); }

    // A host pointer to [addr, addr+len) when the whole range is RAM in one region, else null.
    unsigned char* host(uint64_t addr, uint64_t len) const;
    Result<> write(uint64_t addr, std::span<const unsigned char> data);
    Result<> read(uint64_t addr, std::span<unsigned char> out) const;
    Result<> fill(uint64_t addr, uint64_t len, unsigned char value);
    template <typename T>
    Result<> write_obj(uint64_t addr, const T& v) {
        return write(addr, {reinterpret_cast<const unsigned char*>(&v), sizeof v});
    }

private:
    UniqueFd fd_;
    Mapping mapping_;
    std::vector<MemoryRegion> regions_;
};

}  // namespace env::kvm

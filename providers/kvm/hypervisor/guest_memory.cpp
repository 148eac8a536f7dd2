#include "providers/kvm/hypervisor/guest_memory.h"

#include <linux/memfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace env::kvm {

Result<GuestMemory> GuestMemory::create(uint64_t size, bool hugepages) {
    constexpr uint64_t huge = 2ull << 20;
    if (size < (16ull << 20))
        return fail(ErrorKind::Invalid, "guest memory must be at least 16 MiB");
    if (hugepages && size % huge)
        return fail(ErrorKind::Invalid, "guest memory must be a multiple of 2 MiB with hugepages");
    if (size % 4096) return fail(ErrorKind::Invalid, "guest memory must be a multiple of 4 KiB");
    GuestMemory m;
    unsigned flags = MFD_CLOEXEC | (hugepages ? MFD_HUGETLB | MFD_HUGE_2MB : 0);
    int fd = ::memfd_create("env-vmm-ram", flags);
    if (fd < 0)
        return fail_errno(hugepages ? "memfd_create (hugetlb; are 2 MiB hugepages reserved?)"
                                    : "memfd_create");
    m.fd_.reset(fd);
    if (::ftruncate(fd, static_cast<off_t>(size)) < 0) return fail_errno("ftruncate guest memory");
    // MAP_NORESERVE: untouched guest pages cost nothing on the host. Not for hugepages:
    // there the reservation at mmap time is what turns "too few hugepages" into an error
    // now rather than a SIGBUS or a failed KVM_RUN when the guest first touches the page.
    auto mapped = Mapping::map(size, PROT_READ | PROT_WRITE,
                               MAP_SHARED | (hugepages ? 0 : MAP_NORESERVE), fd);
    if (!mapped && hugepages)
        return fail(ErrorKind::Provider,
                    "not enough 2 MiB hugepages for " + std::to_string(size >> 20) +
                        " MiB of guest memory (see /proc/sys/vm/nr_hugepages)",
                    mapped.error().err());
    m.mapping_ = TRY(std::move(mapped));
    uint64_t low = size < kMmioHoleStart ? size : kMmioHoleStart;
    m.regions_.push_back({0, low, 0});
    if (size > low) m.regions_.push_back({kMmioHoleEnd, size - low, low});
    return m;
}

unsigned char* GuestMemory::host(uint64_t addr, uint64_t len) const {
    for (const auto& r : regions_) {
        if (addr >= r.guest_addr && addr - r.guest_addr <= r.size &&
            len <= r.size - (addr - r.guest_addr))
            return mapping_.bytes() + r.offset + (addr - r.guest_addr);
    }
    return nullptr;
}

static Error out_of_range(uint64_t addr, uint64_t len) {
    char buf[96];
    snprintf(buf, sizeof buf, "guest range 0x%llx+0x%llx is not RAM", (unsigned long long)addr,
             (unsigned long long)len);
    return Error(ErrorKind::Invalid, buf);
}

Result<> GuestMemory::write(uint64_t addr, std::span<const unsigned char> data) {
    unsigned char* p = host(addr, data.size());
    if (!p) return std::unexpected(out_of_range(addr, data.size()));
    if (!data.empty()) std::memcpy(p, data.data(), data.size());
    return {};
}

Result<> GuestMemory::read(uint64_t addr, std::span<unsigned char> out) const {
    unsigned char* p = host(addr, out.size());
    if (!p) return std::unexpected(out_of_range(addr, out.size()));
    if (!out.empty()) std::memcpy(out.data(), p, out.size());
    return {};
}

Result<> GuestMemory::fill(uint64_t addr, uint64_t len, unsigned char value) {
    unsigned char* p = host(addr, len);
    if (!p) return std::unexpected(out_of_range(addr, len));
    std::memset(p, value, len);
    return {};
}

}  // namespace env::kvm

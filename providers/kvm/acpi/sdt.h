#pragma once
// A System Description Table being built (ACPI 6.4, 5.2.6): the 36-byte header with env-vmm's
// OEM fields, little-endian field writers, and finish(), which fills in the length and the
// checksum that makes the whole table sum to zero.
#include <cstdint>
#include <string_view>
#include <vector>

namespace env::kvm::acpi {

class Sdt {
public:
    static constexpr size_t kHeaderSize = 36;
    Sdt(std::string_view signature, uint8_t revision);

    size_t size() const { return b_.size(); }
    void put8(size_t off, uint8_t v);
    void put16(size_t off, uint16_t v);
    void put32(size_t off, uint32_t v);
    void put64(size_t off, uint64_t v);
    void put_bytes(size_t off, std::string_view bytes);
    void append(const std::vector<uint8_t>& bytes) {
        b_.insert(b_.end(), bytes.begin(), bytes.end());
    }
    // A Generic Address Structure (5.2.3.2) for a byte-wide register in system I/O space.
    void gas_io(size_t off, uint64_t port);
    std::vector<uint8_t> finish();

private:
    void grow(size_t n);
    std::vector<uint8_t> b_;
};

// The byte that makes `bytes` sum to zero (mod 256).
uint8_t checksum(const uint8_t* bytes, size_t n);

}  // namespace env::kvm::acpi

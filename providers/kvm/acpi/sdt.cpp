#include "providers/kvm/acpi/sdt.h"

#include <cstring>

namespace env::kvm::acpi {

Sdt::Sdt(std::string_view signature, uint8_t revision) : b_(kHeaderSize, 0) {
    std::memcpy(b_.data(), signature.data(), 4);
    b_[8] = revision;
    std::memcpy(b_.data() + 10, "ENVVMM", 6);    // OEM id
    std::memcpy(b_.data() + 16, "ENVVMM  ", 8);  // OEM table id
    put32(24, 1);                                // OEM revision
    std::memcpy(b_.data() + 28, "ENVV", 4);      // creator id
    put32(32, 1);                                // creator revision
}

void Sdt::grow(size_t n) {
    if (b_.size() < n) b_.resize(n, 0);
}

void Sdt::put8(size_t off, uint8_t v) {
    grow(off + 1);
    b_[off] = v;
}

void Sdt::put16(size_t off, uint16_t v) {
    put8(off, v & 0xFF);
    put8(off + 1, v >> 8);
}

void Sdt::put32(size_t off, uint32_t v) {
    put16(off, v & 0xFFFF);
    put16(off + 2, v >> 16);
}

void Sdt::put64(size_t off, uint64_t v) {
    put32(off, uint32_t(v));
    put32(off + 4, uint32_t(v >> 32));
}

void Sdt::put_bytes(size_t off, std::string_view bytes) {
    for (size_t i = 0; i < bytes.size(); ++i) put8(off + i, static_cast<uint8_t>(bytes[i]));
}

void Sdt::gas_io(size_t off, uint64_t port) {
    put8(off, 1);      // address space: system I/O
    put8(off + 1, 8);  // register bit width
    put8(off + 2, 0);  // bit offset
    put8(off + 3, 1);  // access size: byte
    put64(off + 4, port);
}

std::vector<uint8_t> Sdt::finish() {
    put32(4, static_cast<uint32_t>(b_.size()));
    b_[9] = 0;
    b_[9] = checksum(b_.data(), b_.size());
    return b_;
}

uint8_t checksum(const uint8_t* bytes, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i) s += bytes[i];
    return static_cast<uint8_t>(-s);
}

}  // namespace env::kvm::acpi

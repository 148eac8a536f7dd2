#include "providers/kvm/acpi/aml.h"

#include <stdexcept>

namespace env::kvm::acpi::aml {

namespace {
constexpr uint8_t kZeroOp = 0x00, kOneOp = 0x01, kNameOp = 0x08, kBytePrefix = 0x0A,
                  kWordPrefix = 0x0B, kDWordPrefix = 0x0C, kStringPrefix = 0x0D,
                  kQWordPrefix = 0x0E, kScopeOp = 0x10, kBufferOp = 0x11, kPackageOp = 0x12,
                  kExtOpPrefix = 0x5B, kDeviceOp = 0x82, kRootChar = '\\', kDualNamePrefix = 0x2E,
                  kMultiNamePrefix = 0x2F, kNullName = 0x00;
constexpr uint8_t kEndTag = 0x79;

void append(Bytes& to, const Bytes& b) {
    to.insert(to.end(), b.begin(), b.end());
}
void le(Bytes& to, uint64_t v, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i) to.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
Bytes concat(const std::vector<Bytes>& parts) {
    Bytes out;
    for (auto& p : parts) append(out, p);
    return out;
}
// op, PkgLength, then the body (NameString and terms or elements).
Bytes with_pkg(Bytes op, const Bytes& body) {
    append(op, pkg_length(body.size()));
    append(op, body);
    return op;
}
// A large resource descriptor (6.4.3): tag, 16-bit length, then the item.
Bytes large(uint8_t tag, const Bytes& item) {
    Bytes b{tag};
    le(b, item.size(), 2);
    append(b, item);
    return b;
}
// The fields shared by the Word/DWord address space descriptors (6.4.3.5): resource type,
// general flags (MinFixed, MaxFixed, positive decode, producer), type-specific flags.
Bytes address_space(uint8_t type, uint8_t type_flags, unsigned width, uint64_t min, uint64_t max) {
    Bytes item{type, 0x0C, type_flags};
    le(item, 0, width);              // granularity
    le(item, min, width);            // range minimum
    le(item, max, width);            // range maximum
    le(item, 0, width);              // translation offset
    le(item, max - min + 1, width);  // length
    return item;
}
}  // namespace

Bytes pkg_length(size_t body_len) {
    // One byte holds up to 63 (bits 5:0); longer lengths put the count of following bytes
    // in bits 7:6, the low nibble in bits 3:0 and the rest in the following bytes.
    if (body_len + 1 <= 0x3F) return {static_cast<uint8_t>(body_len + 1)};
    for (unsigned extra = 1; extra <= 3; ++extra) {
        size_t total = body_len + 1 + extra;
        if (total < (size_t{1} << (4 + 8 * extra))) {
            Bytes b{static_cast<uint8_t>((extra << 6) | (total & 0x0F))};
            for (unsigned i = 0; i < extra; ++i)
                b.push_back(static_cast<uint8_t>(total >> (4 + 8 * i)));
            return b;
        }
    }
    throw std::length_error("AML package longer than 2^28 bytes");
}

Bytes name_string(std::string_view path) {
    Bytes b;
    if (!path.empty() && path.front() == kRootChar) {
        b.push_back(kRootChar);
        path.remove_prefix(1);
    }
    std::vector<std::string_view> segs;
    while (!path.empty()) {
        auto dot = path.find('.');
        segs.push_back(path.substr(0, dot));
        path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    }
    if (segs.empty()) {
        b.push_back(kNullName);
        return b;
    }
    if (segs.size() == 2) b.push_back(kDualNamePrefix);
    if (segs.size() > 2) {
        b.push_back(kMultiNamePrefix);
        b.push_back(static_cast<uint8_t>(segs.size()));
    }
    for (auto s : segs) {
        if (s.empty() || s.size() > 4) throw std::invalid_argument("bad AML name segment");
        for (size_t i = 0; i < 4; ++i) b.push_back(i < s.size() ? s[i] : '_');
    }
    return b;
}

Bytes integer(uint64_t v) {
    if (v == 0) return {kZeroOp};
    if (v == 1) return {kOneOp};
    Bytes b;
    if (v <= 0xFF) {
        b.push_back(kBytePrefix);
        le(b, v, 1);
    } else if (v <= 0xFFFF) {
        b.push_back(kWordPrefix);
        le(b, v, 2);
    } else if (v <= 0xFFFFFFFF) {
        b.push_back(kDWordPrefix);
        le(b, v, 4);
    } else {
        b.push_back(kQWordPrefix);
        le(b, v, 8);
    }
    return b;
}

Bytes string(std::string_view s) {
    Bytes b{kStringPrefix};
    b.insert(b.end(), s.begin(), s.end());
    b.push_back(0);
    return b;
}

Bytes eisa_id(std::string_view id) {
    if (id.size() != 7) throw std::invalid_argument("EISA id must be 7 characters");
    auto hex = [](char c) -> uint32_t { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    // Three letters in 5 bits each (A = 1), then four hex digits; stored big-endian.
    uint32_t letters =
        (uint32_t(id[0] - 0x40) << 10) | (uint32_t(id[1] - 0x40) << 5) | uint32_t(id[2] - 0x40);
    Bytes b{kDWordPrefix, static_cast<uint8_t>(letters >> 8), static_cast<uint8_t>(letters),
            static_cast<uint8_t>(hex(id[3]) << 4 | hex(id[4])),
            static_cast<uint8_t>(hex(id[5]) << 4 | hex(id[6]))};
    return b;
}

Bytes name(std::string_view path, const Bytes& value) {
    Bytes b{kNameOp};
    append(b, name_string(path));
    append(b, value);
    return b;
}

Bytes scope(std::string_view path, const std::vector<Bytes>& body) {
    Bytes inner = name_string(path);
    append(inner, concat(body));
    return with_pkg({kScopeOp}, inner);
}

Bytes device(std::string_view path, const std::vector<Bytes>& body) {
    Bytes inner = name_string(path);
    append(inner, concat(body));
    return with_pkg({kExtOpPrefix, kDeviceOp}, inner);
}

Bytes package(const std::vector<Bytes>& elements) {
    if (elements.size() > 0xFF) throw std::length_error("AML Package of more than 255 elements");
    Bytes inner{static_cast<uint8_t>(elements.size())};
    append(inner, concat(elements));
    return with_pkg({kPackageOp}, inner);
}

Bytes buffer(const Bytes& data) {
    Bytes inner = integer(data.size());
    append(inner, data);
    return with_pkg({kBufferOp}, inner);
}

Bytes resource_template(const std::vector<Bytes>& descriptors) {
    Bytes data = concat(descriptors);
    data.push_back(kEndTag);
    data.push_back(0);  // checksum 0: "treated as if the checksum operation succeeded"
    return buffer(data);
}

Bytes word_bus_number(uint16_t min, uint16_t max) {
    return large(0x88, address_space(2, 0, 2, min, max));
}

Bytes word_io(uint16_t min, uint16_t max) {
    // Type-specific flags 3: the range covers both ISA and non-ISA ports (EntireRange).
    return large(0x88, address_space(1, 3, 2, min, max));
}

Bytes dword_memory(uint32_t min, uint32_t max) {
    // Type-specific flags 1: read/write, non-cacheable.
    return large(0x87, address_space(0, 1, 4, min, max));
}

Bytes edge_interrupt(uint32_t gsi) {
    Bytes item{0x03, 1};  // flags: consumer, edge-triggered, active high, exclusive; one GSI
    le(item, gsi, 4);
    return large(0x89, item);
}

Bytes io(uint16_t min, uint16_t max, uint8_t alignment, uint8_t length) {
    Bytes b{0x47, 0x01};  // small item, IO port descriptor; 16-bit decode
    le(b, min, 2);
    le(b, max, 2);
    b.push_back(alignment);
    b.push_back(length);
    return b;
}

}  // namespace env::kvm::acpi::aml

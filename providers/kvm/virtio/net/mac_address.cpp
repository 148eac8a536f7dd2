#include "providers/kvm/virtio/net/mac_address.h"

#include <cstdio>

namespace env::kvm::virtio {

MacAddress derive_mac(std::string_view seed) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across builds and hosts
    for (unsigned char c : seed) h = (h ^ c) * 1099511628211ull;
    return {0x52,
            0x54,
            0x00,
            static_cast<uint8_t>(h >> 16),
            static_cast<uint8_t>(h >> 8),
            static_cast<uint8_t>(h)};
}

Result<MacAddress> parse_mac(std::string_view text) {
    MacAddress m{};
    unsigned v[6];
    char tail;
    std::string s(text);
    if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4],
                    &v[5], &tail) != 6 ||
        s.size() != 17)
        return fail(ErrorKind::Invalid, "'" + s + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
    for (int i = 0; i < 6; ++i) m[i] = static_cast<uint8_t>(v[i]);
    if (m[0] & 1) return fail(ErrorKind::Invalid, "MAC address " + s + " is a multicast address");
    return m;
}

std::string format_mac(const MacAddress& m) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
                  m[5]);
    return buf;
}

}  // namespace env::kvm::virtio

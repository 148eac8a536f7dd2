#pragma once
// A NIC's MAC address. Each NIC of each machine needs its own, stable across restarts (the
// guest's DHCP lease and udev names hang on it): derived from a seed such as
// "<project>/<machine>/<nic index>", in QEMU's locally administered 52:54:00 range.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace env::kvm::virtio {

using MacAddress = std::array<uint8_t, 6>;

MacAddress derive_mac(std::string_view seed);
// "aa:bb:cc:dd:ee:ff"; refuses multicast addresses (a NIC's own must be unicast).
Result<MacAddress> parse_mac(std::string_view text);
std::string format_mac(const MacAddress& mac);

}  // namespace env::kvm::virtio

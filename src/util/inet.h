#pragma once
// IPv4 addresses, CIDR subnets and MAC addresses as values: what the Envfile's networks say,
// what the host networks, the DHCP server and client and the providers work with. Strict,
// hand-written parsers whose errors say exactly what is wrong ("octet 256 is out of range").
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace env::inet {

template <typename T>
using Parsed = std::expected<T, std::string>;  // the error is a message for the user

// Dotted quad, exactly four decimal octets 0..255, no leading zeros (010 is octal to some
// tools and decimal to others: refuse the ambiguity).
Parsed<uint32_t> parse_ipv4(std::string_view s);
std::string format_ipv4(uint32_t ip);

struct Cidr {
    uint32_t network = 0;
    int prefix = 0;
    uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix); }
    uint32_t broadcast() const { return network | ~mask(); }
    bool contains(uint32_t ip) const { return (ip & mask()) == network; }
};
// "192.168.56.0/24": the address must be the network address (no host bits set), prefix
// 8..30 so that there is room for a host and machines.
Parsed<Cidr> parse_cidr(std::string_view s);

// Six colon-separated two-digit hex octets; a unicast address (multicast bit clear).
Parsed<std::string> parse_mac(std::string_view s);

}  // namespace env::inet

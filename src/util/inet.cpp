#include "util/inet.h"

#include "util/decimal.h"

namespace env::inet {
namespace {

using decimal::is_digit;
using decimal::parse_u64;

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

Parsed<uint32_t> parse_ipv4(std::string_view s) {
    uint32_t ip = 0;
    size_t pos = 0;
    for (int octet = 0; octet < 4; ++octet) {
        size_t end = s.find('.', pos);
        if (octet == 3) {
            if (end != std::string_view::npos)
                return std::unexpected(quoted(s) + " is not an IPv4 address (more than 4 octets)");
            end = s.size();
        } else if (end == std::string_view::npos) {
            return std::unexpected(quoted(s) + " is not an IPv4 address (needs 4 octets)");
        }
        std::string_view part = s.substr(pos, end - pos);
        uint64_t v;
        if (part.size() > 3 || !parse_u64(part, v))
            return std::unexpected(quoted(s) + " is not an IPv4 address");
        if (part.size() > 1 && part[0] == '0')
            return std::unexpected(quoted(s) + " is not an IPv4 address (octet " + quoted(part) +
                                   " has a leading zero)");
        if (v > 255)
            return std::unexpected(quoted(s) + " is not an IPv4 address (octet " +
                                   std::to_string(v) + " is out of range)");
        ip = ip << 8 | uint32_t(v);
        pos = end + 1;
    }
    return ip;
}

std::string format_ipv4(uint32_t ip) {
    return std::to_string(ip >> 24) + '.' + std::to_string((ip >> 16) & 255) + '.' +
           std::to_string((ip >> 8) & 255) + '.' + std::to_string(ip & 255);
}

Parsed<Cidr> parse_cidr(std::string_view s) {
    size_t slash = s.find('/');
    if (slash == std::string_view::npos)
        return std::unexpected(quoted(s) + " is not a CIDR subnet (write e.g. 192.168.56.0/24)");
    auto ip = parse_ipv4(s.substr(0, slash));
    if (!ip) return std::unexpected("subnet " + ip.error());
    std::string_view p = s.substr(slash + 1);
    uint64_t prefix;
    if (!parse_u64(p, prefix) || (p.size() > 1 && p[0] == '0') || prefix > 32)
        return std::unexpected(quoted(s) + " has an invalid prefix length " + quoted(p));
    if (prefix < 8 || prefix > 30)
        return std::unexpected("subnet " + quoted(s) + ": prefix length must be within 8..30");
    Cidr c{*ip, int(prefix)};
    if ((*ip & c.mask()) != *ip)
        return std::unexpected("subnet " + quoted(s) + " has host bits set; did you mean '" +
                               format_ipv4(*ip & c.mask()) + "/" + std::string(p) + "'?");
    return c;
}

Parsed<std::string> parse_mac(std::string_view s) {
    auto bad = std::unexpected(
        quoted(s) + " is not a MAC address (write six hex octets, e.g. 52:54:00:12:34:56)");
    if (s.size() != 17) return bad;
    std::string out;
    for (size_t i = 0; i < 17; ++i) {
        if (i % 3 == 2) {
            if (s[i] != ':') return bad;
            out += ':';
        } else {
            if (hex_value(s[i]) < 0) return bad;
            out += char(std::tolower(static_cast<unsigned char>(s[i])));
        }
    }
    if (hex_value(s[1]) & 1)
        return std::unexpected("MAC address " + quoted(s) + " is a multicast address");
    return out;
}

}  // namespace env::inet

#pragma once
// Unsigned decimal numbers as the Envfile and network addresses write them: digits only, no
// sign, no spaces, no overflow. Shared by util/inet (octets, prefix lengths) and
// envfile/values (integers, sizes).
#include <cstdint>
#include <string_view>

namespace env::decimal {

inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Parses s into v; false on empty, non-digits or overflow.
inline bool parse_u64(std::string_view s, uint64_t& v) {
    if (s.empty()) return false;
    v = 0;
    for (char c : s) {
        if (!is_digit(c)) return false;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, uint64_t(c - '0'), &v))
            return false;
    }
    return true;
}

}  // namespace env::decimal

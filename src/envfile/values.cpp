#include "envfile/values.h"

#include <cctype>

#include "util/decimal.h"

namespace env::envfile {
namespace {

using decimal::is_digit;
using decimal::parse_u64;

std::string quoted(std::string_view s) {
    return "'" + std::string(s) + "'";
}

}  // namespace

Parsed<int64_t> parse_int(std::string_view s) {
    bool neg = !s.empty() && s[0] == '-';
    std::string_view digits = neg ? s.substr(1) : s;
    uint64_t v;
    if (!parse_u64(digits, v)) return std::unexpected(quoted(s) + " is not an integer");
    if (digits.size() > 1 && digits[0] == '0')
        return std::unexpected(quoted(s) + " has a leading zero");
    if (v > uint64_t(INT64_MAX)) return std::unexpected(quoted(s) + " is too large");
    return neg ? -int64_t(v) : int64_t(v);
}

Parsed<bool> parse_bool(std::string_view s) {
    std::string l;
    for (char c : s) l += char(std::tolower(static_cast<unsigned char>(c)));
    if (l == "true" || l == "yes" || l == "on") return true;
    if (l == "false" || l == "no" || l == "off") return false;
    return std::unexpected(quoted(s) + " is not a boolean (true or false)");
}

Parsed<uint64_t> parse_size(std::string_view s) {
    auto bad = [&](std::string why) {
        return std::unexpected(quoted(s) + " is not a size" + why +
                               " (write e.g. 512M, 2G or a number of MiB)");
    };
    size_t i = 0;
    while (i < s.size() && is_digit(s[i])) ++i;
    std::string_view whole = s.substr(0, i), frac;
    if (i < s.size() && s[i] == '.') {
        size_t j = ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
        frac = s.substr(j, i - j);
        if (frac.empty()) return bad("");
    }
    std::string_view unit = s.substr(i);
    if (whole.empty()) return bad("");
    uint64_t mult;
    if (unit.empty()) {
        mult = 1ull << 20;
    } else {
        char u = char(std::toupper(static_cast<unsigned char>(unit[0])));
        std::string_view rest = unit.substr(1);
        switch (u) {
            case 'B':
                mult = 1;
                break;
            case 'K':
                mult = 1ull << 10;
                break;
            case 'M':
                mult = 1ull << 20;
                break;
            case 'G':
                mult = 1ull << 30;
                break;
            case 'T':
                mult = 1ull << 40;
                break;
            default:
                return bad(": unknown unit " + quoted(unit));
        }
        if (u == 'B'
                ? !rest.empty()
                : !(rest.empty() || rest == "B" || rest == "b" || rest == "iB" || rest == "ib"))
            return bad(": unknown unit " + quoted(unit));
    }
    uint64_t w, f = 0;
    if (!parse_u64(whole, w)) return bad("");
    uint64_t bytes;
    if (__builtin_mul_overflow(w, mult, &bytes)) return bad(": too large");
    if (!frac.empty()) {
        if (frac.size() > 6) return bad(": too many decimals");
        uint64_t scale = 1;
        for (size_t k = 0; k < frac.size(); ++k) scale *= 10;
        parse_u64(frac, f);
        uint64_t part;
        if (__builtin_mul_overflow(f, mult, &part)) return bad(": too large");
        if (__builtin_add_overflow(bytes, part / scale, &bytes)) return bad(": too large");
    }
    return bytes;
}

Parsed<int> parse_percent(std::string_view s) {
    std::string_view n = s;
    if (!n.empty() && n.back() == '%') n.remove_suffix(1);
    uint64_t v;
    if (!parse_u64(n, v) || (n.size() > 1 && n[0] == '0'))
        return std::unexpected(quoted(s) + " is not a percentage (write e.g. 50%)");
    if (v < 1 || v > 100)
        return std::unexpected("percentage " + quoted(s) + " is not within 1%..100%");
    return int(v);
}

Parsed<void> check_label(std::string_view s) {
    if (s.empty()) return std::unexpected("a name cannot be empty");
    if (s.size() > 63) return std::unexpected(quoted(s) + " is longer than 63 characters");
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-')) {
            if (c >= 'A' && c <= 'Z')
                return std::unexpected(quoted(s) + " has upper-case letters; names are lower-case");
            return std::unexpected(quoted(s) + " may hold only a-z, 0-9 and '-', not " +
                                   quoted(std::string_view(&c, 1)));
        }
    if (s.front() == '-' || s.back() == '-')
        return std::unexpected(quoted(s) + " cannot start or end with '-'");
    return {};
}

Parsed<void> check_hostname(std::string_view s) {
    if (s.size() > 253) return std::unexpected("hostname " + quoted(s) + " is too long");
    size_t pos = 0;
    while (true) {
        size_t dot = s.find('.', pos);
        auto label = s.substr(pos, dot == std::string_view::npos ? s.npos : dot - pos);
        if (auto ok = check_label(label); !ok)
            return std::unexpected("hostname " + quoted(s) + ": " + ok.error());
        if (dot == std::string_view::npos) return {};
        pos = dot + 1;
    }
}

Parsed<BoxRef> parse_box(std::string_view s) {
    size_t at = s.find('@');
    std::string_view name = s.substr(0, at);
    if (name.empty()) return std::unexpected("box " + quoted(s) + " has no name");
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
              c == '/'))
            return std::unexpected("box name " + quoted(name) +
                                   " may hold only letters, digits and . _ - /");
    BoxRef ref{std::string(name), ""};
    if (at == std::string_view::npos) return ref;
    std::string_view cons = s.substr(at + 1);
    auto bad = [&](std::string_view part) {
        return std::unexpected("box " + quoted(s) + ": bad version constraint " + quoted(part) +
                               " (write e.g. >=1.0,<2)");
    };
    if (cons.empty()) return bad(cons);
    size_t pos = 0;
    while (pos <= cons.size()) {
        size_t comma = cons.find(',', pos);
        std::string_view part = cons.substr(pos, comma == cons.npos ? cons.npos : comma - pos);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        std::string_view v = part;
        for (std::string_view op : {">=", "<=", "!=", "~>", "=", ">", "<"})
            if (v.starts_with(op)) {
                v.remove_prefix(op.size());
                break;
            }
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        // A dotted version: digits separated by single dots.
        bool ok = !v.empty() && is_digit(v.front()) && is_digit(v.back());
        for (size_t i = 0; ok && i < v.size(); ++i)
            ok = is_digit(v[i]) || (v[i] == '.' && i + 1 < v.size() && v[i + 1] != '.');
        if (!ok) return bad(part);
        if (comma == cons.npos) break;
        pos = comma + 1;
    }
    ref.constraint = std::string(cons);
    return ref;
}

}  // namespace env::envfile

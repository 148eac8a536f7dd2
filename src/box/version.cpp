#include "box/version.h"

#include <cctype>

namespace env::box {

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

Result<Version> Version::parse(const std::string& raw) {
    std::string text = trim(raw);
    Version v;
    v.text_ = text;
    if (text.empty()) return fail(ErrorKind::Invalid, "empty version");
    // Gem::Version's pattern: alphanumerics separated by dots (a '-' reads as ".pre.").
    std::string cur;
    bool digits = false;
    auto flush = [&]() -> bool {
        if (cur.empty()) return false;
        if (digits)
            v.segs_.emplace_back(std::stoll(cur.substr(0, 18)));
        else
            v.segs_.emplace_back(cur);
        cur.clear();
        return true;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.' || c == '-') {
            if (!flush()) return fail(ErrorKind::Invalid, "malformed version '" + text + "'");
            if (c == '-') v.segs_.emplace_back(std::string("pre"));
            continue;
        }
        if (!std::isalnum(static_cast<unsigned char>(c)))
            return fail(ErrorKind::Invalid, "malformed version '" + text + "'");
        bool d = std::isdigit(static_cast<unsigned char>(c));
        // "1a" splits into 1, "a" as RubyGems does.
        if (!cur.empty() && d != digits) flush();
        digits = d;
        cur += c;
    }
    if (!flush()) return fail(ErrorKind::Invalid, "malformed version '" + text + "'");
    if (!std::holds_alternative<long long>(v.segs_.front()))
        return fail(ErrorKind::Invalid,
                    "malformed version '" + text + "': must start with a number");
    return v;
}

bool Version::prerelease() const {
    for (auto& s : segs_)
        if (std::holds_alternative<std::string>(s)) return true;
    return false;
}

Version Version::bump() const {
    Version b;
    std::vector<Segment> segs = segs_;
    while (segs.size() > 1 && std::holds_alternative<std::string>(segs.back())) segs.pop_back();
    // A string segment in the middle ends the release part, as in Gem::Version#release.
    for (size_t i = 0; i < segs.size(); ++i)
        if (std::holds_alternative<std::string>(segs[i])) {
            segs.resize(i);
            break;
        }
    if (segs.size() > 1) segs.pop_back();
    std::get<long long>(segs.back()) += 1;
    b.segs_ = segs;
    for (size_t i = 0; i < segs.size(); ++i) {
        if (i) b.text_ += '.';
        b.text_ += std::to_string(std::get<long long>(segs[i]));
    }
    return b;
}

std::strong_ordering Version::operator<=>(const Version& o) const {
    // Gem::Version#<=>: trailing zero segments do not count; a string segment sorts before a
    // number; missing segments read as 0.
    auto canonical = [](std::vector<Segment> s) {
        while (s.size() > 1 && std::holds_alternative<long long>(s.back()) &&
               std::get<long long>(s.back()) == 0)
            s.pop_back();
        return s;
    };
    auto a = canonical(segs_), b = canonical(o.segs_);
    size_t n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        Segment x = i < a.size() ? a[i] : Segment(0LL);
        Segment y = i < b.size() ? b[i] : Segment(0LL);
        bool xs = std::holds_alternative<std::string>(x),
             ys = std::holds_alternative<std::string>(y);
        if (xs != ys) return xs ? std::strong_ordering::less : std::strong_ordering::greater;
        if (xs) {
            if (auto c = std::get<std::string>(x) <=> std::get<std::string>(y); c != 0) return c;
        } else if (auto c = std::get<long long>(x) <=> std::get<long long>(y); c != 0) {
            return c;
        }
    }
    return std::strong_ordering::equal;
}

Result<VersionConstraint> VersionConstraint::parse(const std::string& raw) {
    VersionConstraint vc;
    vc.text_ = trim(raw);
    size_t pos = 0;
    const std::string& t = vc.text_;
    while (pos <= t.size() && !t.empty()) {
        size_t comma = t.find(',', pos);
        std::string clause =
            trim(t.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
        pos = comma == std::string::npos ? t.size() + 1 : comma + 1;
        if (clause.empty())
            return fail(ErrorKind::Invalid, "malformed version constraint '" + t + "'");
        static const std::pair<const char*, Op> ops[] = {
            {"~>", Op::Pessimistic}, {">=", Op::Ge}, {"<=", Op::Le}, {"!=", Op::Ne},
            {"=", Op::Eq},           {">", Op::Gt},  {"<", Op::Lt},
        };
        Op op = Op::Eq;
        for (auto& [sym, o] : ops) {
            std::string_view s(sym);
            if (clause.starts_with(s)) {
                op = o;
                clause = clause.substr(s.size());
                break;
            }
        }
        auto v = Version::parse(clause);
        if (!v)
            return fail(ErrorKind::Invalid,
                        "malformed version constraint '" + t + "': " + v.error().message());
        vc.clauses_.push_back({op, *v});
    }
    return vc;
}

bool VersionConstraint::matches(const Version& v) const {
    for (auto& c : clauses_) {
        bool ok = false;
        switch (c.op) {
            case Op::Eq:
                ok = v == c.v;
                break;
            case Op::Ne:
                ok = !(v == c.v);
                break;
            case Op::Gt:
                ok = v > c.v;
                break;
            case Op::Ge:
                ok = v >= c.v;
                break;
            case Op::Lt:
                ok = v < c.v;
                break;
            case Op::Le:
                ok = v <= c.v;
                break;
            case Op::Pessimistic:
                ok = v >= c.v && v < c.v.bump();
                break;
        }
        if (!ok) return false;
    }
    return true;
}

}  // namespace env::box

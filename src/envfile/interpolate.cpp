#include "envfile/interpolate.h"

namespace env::envfile {
namespace {

bool is_ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident(char c) {
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

// Parentheses and unary signs nest by recursion; a deeper expression is refused instead of
// overflowing the stack (a 20 KB placeholder of '(' crashed validate). No sane Envfile nests
// past a handful.
constexpr int max_nesting = 32;

// Text quoted in messages: at most 60 bytes of it, so a 10 MB value is not echoed whole.
std::string clipped(std::string_view text) {
    if (text.size() <= 60) return std::string(text);
    return std::string(text.substr(0, 57)) + "...";
}
std::string as_placeholder(std::string_view expr) {
    return "'${" + clipped(expr) + "}'";
}

std::string bound_list(const Vars& vars) {
    if (vars.empty()) return "no loop variables are bound here";
    std::string s = "bound here: ";
    for (size_t i = 0; i < vars.size(); ++i) s += (i ? ", " : "") + vars[i].first;
    return s;
}

// Recursive descent over the placeholder's text; the first error wins.
class Expr {
public:
    Expr(std::string_view text, const Vars& vars) : s_(text), vars_(vars) {}

    Parsed<int64_t> parse() {
        auto v = sum();
        if (v && (skip(), pos_ != s_.size()))
            return std::unexpected("unexpected '" + std::string(s_.substr(pos_, 1)) + "' in " +
                                   as_placeholder(s_));
        return v;
    }

private:
    void skip() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    }
    bool eat(char c) {
        skip();
        if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
        return false;
    }
    std::string where() const { return " in " + as_placeholder(s_); }
    // Counts one level of nesting for the scope of a recursive call.
    struct Level {
        int& depth;
        explicit Level(int& d) : depth(++d) {}
        ~Level() { --depth; }
    };
    std::unexpected<std::string> too_deep() {
        return std::unexpected("expression nests deeper than " + std::to_string(max_nesting) +
                               " levels of parentheses and signs" + where());
    }

    Parsed<int64_t> sum() {
        auto l = product();
        while (l) {
            int64_t r;
            if (eat('+')) {
                auto rv = product();
                if (!rv) return rv;
                if (__builtin_add_overflow(*l, *rv, &r)) return overflow();
            } else if (eat('-')) {
                auto rv = product();
                if (!rv) return rv;
                if (__builtin_sub_overflow(*l, *rv, &r)) return overflow();
            } else {
                break;
            }
            l = r;
        }
        return l;
    }
    Parsed<int64_t> product() {
        auto l = unary();
        while (l) {
            char op;
            if (eat('*'))
                op = '*';
            else if (eat('/'))
                op = '/';
            else if (eat('%'))
                op = '%';
            else
                break;
            auto r = unary();
            if (!r) return r;
            int64_t v;
            if (op == '*') {
                if (__builtin_mul_overflow(*l, *r, &v)) return overflow();
            } else {
                if (*r == 0) return std::unexpected("division by zero" + where());
                if (*l == INT64_MIN && *r == -1) return overflow();
                v = op == '/' ? *l / *r : *l % *r;
            }
            l = v;
        }
        return l;
    }
    Parsed<int64_t> unary() {
        Level level(depth_);
        if (depth_ > max_nesting) return too_deep();
        if (eat('-')) {
            auto v = unary();
            if (!v) return v;
            if (*v == INT64_MIN) return overflow();
            return -*v;
        }
        if (eat('+')) return unary();
        return primary();
    }
    Parsed<int64_t> primary() {
        if (eat('(')) {  // nesting is counted in unary(), which every '(' passes through
            auto v = sum();
            if (v && !eat(')')) return std::unexpected("missing ')'" + where());
            return v;
        }
        skip();
        size_t start = pos_;
        if (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
            auto v = parse_int(s_.substr(start, pos_ - start));
            if (!v) return std::unexpected(v.error() + where());
            return v;
        }
        if (pos_ < s_.size() && is_ident_start(s_[pos_])) {
            while (pos_ < s_.size() && is_ident(s_[pos_])) ++pos_;
            std::string_view name = s_.substr(start, pos_ - start);
            for (auto& [k, val] : vars_)
                if (k == name) {
                    auto v = parse_int(val);
                    if (!v)
                        return std::unexpected("loop variable '" + k + "' is '" + val +
                                               "', not an integer" + where());
                    return v;
                }
            return std::unexpected("loop variable '" + std::string(name) + "' is not bound" +
                                   where() + " (" + bound_list(vars_) + ")");
        }
        if (pos_ == s_.size()) return std::unexpected("expression ends too early" + where());
        return std::unexpected("unexpected '" + std::string(s_.substr(pos_, 1)) + "'" + where());
    }
    std::unexpected<std::string> overflow() {
        return std::unexpected("integer overflow" + where());
    }

    std::string_view s_;
    const Vars& vars_;
    size_t pos_ = 0;
    int depth_ = 0;
};

}  // namespace

Parsed<std::string> evaluate(std::string_view expr, const Vars& vars) {
    // A lone variable substitutes its text, so list loops can bind strings: ${zone}.
    std::string_view t = expr;
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (t.empty()) return std::unexpected(std::string("empty placeholder '${}'"));
    bool ident = is_ident_start(t[0]);
    for (char c : t) ident = ident && is_ident(c);
    if (ident) {
        for (auto& [k, v] : vars)
            if (k == t) return v;
        std::string hint =
            vars.empty() ? " (write $${" + std::string(t) + "} for a literal ${)" : "";
        return std::unexpected("loop variable '" + std::string(t) + "' is not bound (" +
                               bound_list(vars) + ")" + hint);
    }
    auto v = Expr(t, vars).parse();
    if (!v) return std::unexpected(v.error());
    return std::to_string(*v);
}

Parsed<std::string> interpolate(std::string_view text, const Vars& vars) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        size_t d = text.find('$', pos);
        if (d == text.npos) break;
        out.append(text, pos, d - pos);
        if (text.substr(d, 3) == "$${") {
            out += "${";
            pos = d + 3;
        } else if (text.substr(d, 2) == "${") {
            size_t close = text.find('}', d + 2);
            if (close == text.npos)
                return std::unexpected("unterminated placeholder '" + clipped(text.substr(d)) +
                                       "' (missing '}')");
            auto v = evaluate(text.substr(d + 2, close - d - 2), vars);
            if (!v) return v;
            out += *v;
            pos = close + 1;
        } else {
            out += '$';
            pos = d + 1;
        }
    }
    if (pos < text.size()) out.append(text, pos);
    return out;
}

}  // namespace env::envfile

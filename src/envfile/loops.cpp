#include "envfile/loops.h"

namespace env::envfile {
namespace {

bool is_identifier(const std::string& s) {
    if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    return true;
}

// "1..3" -> {"1", "2", "3"}.
std::optional<std::vector<std::string>> read_range(Reader& r, const Field& f) {
    if (!f.value || f.value.IsNull() || !f.value.IsScalar()) {
        r.error(f, "loop variable '" + f.name +
                       "' needs a range like 1..3 or a list like [a, b], not " +
                       std::string(node_kind(f.value)));
        return std::nullopt;
    }
    const std::string& s = f.value.Scalar();
    size_t dots = s.find("..");
    if (dots == std::string::npos) {
        r.error(f, "loop variable '" + f.name + "' is '" + s +
                       "': write a range like 1..3 or a list like [a, b]");
        return std::nullopt;
    }
    auto lo = parse_int(s.substr(0, dots)), hi = parse_int(s.substr(dots + 2));
    if (!lo || !hi) {
        r.error(f, "range '" + s + "' of loop variable '" + f.name + "' needs integer bounds");
        return std::nullopt;
    }
    if (*lo > *hi) {
        r.error(f, "range '" + s + "' of loop variable '" + f.name + "' is empty (" +
                       std::to_string(*lo) + " > " + std::to_string(*hi) + ")");
        return std::nullopt;
    }
    if (uint64_t(*hi - *lo) >= max_loop_iterations) {
        r.error(f, "range '" + s + "' of loop variable '" + f.name + "' has more than " +
                       std::to_string(max_loop_iterations) + " values");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (int64_t i = *lo; i <= *hi; ++i) out.push_back(std::to_string(i));
    return out;
}

}  // namespace

std::optional<std::vector<Vars>> read_loop(Reader& r, const Field& f) {
    std::vector<Vars> iterations{Vars{}};
    bool ok = true;
    bool any = false;
    r.map(f, {}, [&](const Field& var) {
        any = true;
        if (!is_identifier(var.name)) {
            r.error(Reader::mark(var.key), "loop variable name '" + var.name +
                                               "' must be a letter or '_' followed by letters, "
                                               "digits or '_'");
            ok = false;
            return;
        }
        std::optional<std::vector<std::string>> values;
        if (var.value.IsSequence()) {
            values.emplace();
            r.list(var, [&](const Field& item, size_t) {
                if (!item.value.IsScalar()) {
                    r.error(item, "values of loop variable '" + var.name +
                                      "' must be plain values, not " +
                                      std::string(node_kind(item.value)));
                    values.reset();
                } else if (values) {
                    values->push_back(item.value.Scalar());
                }
            });
            if (values && values->empty()) {
                r.error(var, "loop variable '" + var.name + "' has an empty list");
                values.reset();
            }
        } else {
            values = read_range(r, var);
        }
        if (!values) {
            ok = false;
            return;
        }
        // Cartesian product, the earlier variables varying slowest.
        std::vector<Vars> next;
        for (auto& it : iterations)
            for (auto& v : *values) {
                next.push_back(it);
                next.back().emplace_back(var.name, v);
            }
        iterations = std::move(next);
        if (iterations.size() > max_loop_iterations) {
            r.error(var, "this loop makes more than " + std::to_string(max_loop_iterations) +
                             " machines");
            ok = false;
            iterations.resize(1);
        }
    });
    if (!f.value.IsMap()) return std::nullopt;  // map() reported it
    if (!any) {
        r.error(f, "'for' needs at least one variable, e.g. 'for: {i: 1..3}'");
        return std::nullopt;
    }
    if (!ok) return std::nullopt;
    return iterations;
}

}  // namespace env::envfile

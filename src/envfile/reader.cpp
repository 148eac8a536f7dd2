#include "envfile/reader.h"

#include <filesystem>
#include <unordered_map>
#include <vector>

#include "envfile/suggest.h"

namespace env::envfile {

Mark Reader::mark(const YAML::Node& n) {
    auto m = n.Mark();
    if (m.line < 0) return {1, 1};  // yaml-cpp's null mark: the document itself
    return {m.line + 1, m.column + 1};
}

Mark Reader::mark(const Field& f) {
    // yaml-cpp marks an empty value at the next token, which may be lines away.
    if (!f.value || f.value.IsNull()) return mark(f.key);
    return mark(f.value);
}

std::string Reader::in(const Str& s) const {
    return s.looped ? in_machine() : "";
}

std::string_view node_kind(const YAML::Node& n) {
    if (!n || n.IsNull()) return "nothing";
    if (n.IsMap()) return "a mapping";
    if (n.IsSequence()) return "a list";
    return "a string";
}

bool Reader::map(const Field& f, std::span<const std::string_view> keys,
                 const std::function<void(const Field&)>& fn, bool allow_null) {
    if (allow_null && (!f.value || f.value.IsNull())) return true;
    if (!f.value.IsMap()) {
        error(f, "'" + f.name + "' must be a mapping of keys to values, not " +
                     std::string(node_kind(f.value)));
        return false;
    }
    // A hash: 'machines:' may hold thousands of keys, and a scan per key made validating
    // 64k machines take 9 s (quadratic).
    std::unordered_map<std::string, Mark> seen;
    for (auto it = f.value.begin(); it != f.value.end(); ++it) {
        // Copies: yaml-cpp's iterator hands out a temporary proxy, so a reference to
        // it->first would dangle.
        std::pair<YAML::Node, YAML::Node> kv = *it;
        const YAML::Node& k = kv.first;
        if (!k.IsScalar()) {
            error(mark(k),
                  "keys of '" + f.name + "' must be plain names, not " + std::string(node_kind(k)));
            continue;
        }
        const std::string& name = k.Scalar();
        Mark km = mark(k);
        if (auto [first, fresh] = seen.emplace(name, km); !fresh) {
            error(km, "key '" + name + "' is given twice in '" + f.name + "' (first at " +
                          std::to_string(first->second.line) + ":" +
                          std::to_string(first->second.col) + ")");
            continue;
        }
        bool known = keys.empty();
        for (auto key : keys) known = known || key == name;
        if (!known) {
            if (name == "<<")
                error(km,
                      "YAML merge keys (<<) are not supported; put shared settings in "
                      "'defaults:' instead");
            else if (name.size() > 40)  // likely a run-on from a YAML indentation slip
                error(km, "unknown key '" + name.substr(0, 40) + "...' in '" + f.name + "'");
            else
                error(km,
                      "unknown key '" + name + "' in '" + f.name + "'" + did_you_mean(name, keys));
            continue;
        }
        fn(Field{name, k, kv.second});
    }
    return true;
}

bool Reader::list(const Field& f, const std::function<void(const Field&, size_t)>& fn) {
    if (!f.value || f.value.IsNull()) return true;  // "ports:" with nothing: an empty list
    if (!f.value.IsSequence()) {
        error(f, "'" + f.name + "' must be a list (items starting with '- '), not " +
                     std::string(node_kind(f.value)));
        return false;
    }
    size_t i = 0;
    for (auto it = f.value.begin(); it != f.value.end(); ++it, ++i)
        fn(Field{f.name + " entry", *it, *it}, i);
    return true;
}

std::optional<Str> Reader::str(const Field& f) {
    if (!f.value || f.value.IsNull()) {
        error(f, "'" + f.name + "' needs a value");
        return std::nullopt;
    }
    if (!f.value.IsScalar()) {
        error(f, "'" + f.name + "' must be a single value, not " + std::string(node_kind(f.value)));
        return std::nullopt;
    }
    const std::string& raw = f.value.Scalar();
    if (!has_placeholder(raw)) return Str{raw, false};
    auto v = interpolate(raw, *vars);
    if (!v) {
        error(f, v.error());
        return std::nullopt;
    }
    return Str{std::move(*v), true};
}

std::optional<Str> Reader::nonempty(const Field& f) {
    auto s = str(f);
    if (s && s->text.empty()) {
        error(f, "'" + f.name + "' cannot be empty" + in(*s));
        return std::nullopt;
    }
    return s;
}

std::optional<int64_t> Reader::integer(const Field& f, int64_t lo, int64_t hi) {
    auto s = str(f);
    if (!s) return std::nullopt;
    auto v = parse_int(s->text);
    if (!v) {
        error(f, "'" + f.name + "' must be an integer: " + v.error() + in(*s));
        return std::nullopt;
    }
    if (*v < lo || *v > hi) {
        error(f, "'" + f.name + "' is " + std::to_string(*v) + ", outside " + std::to_string(lo) +
                     ".." + std::to_string(hi) + in(*s));
        return std::nullopt;
    }
    return *v;
}

std::optional<bool> Reader::boolean(const Field& f) {
    auto s = str(f);
    if (!s) return std::nullopt;
    auto v = parse_bool(s->text);
    if (!v) {
        error(f, "'" + f.name + "' must be true or false: " + v.error() + in(*s));
        return std::nullopt;
    }
    return *v;
}

std::optional<Str> Reader::choice(const Field& f, std::span<const std::string_view> words) {
    auto s = str(f);
    if (!s) return std::nullopt;
    for (auto w : words)
        if (w == s->text) return s;
    std::string list;
    for (size_t i = 0; i < words.size(); ++i)
        list += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + std::string(words[i]);
    error(f, "'" + f.name + "' is '" + s->text + "', expected " + list +
                 did_you_mean(s->text, words) + in(*s));
    return std::nullopt;
}

std::string Reader::absolute(const std::string& p) const {
    std::filesystem::path path(p);
    if (path.is_relative()) path = std::filesystem::path(dir) / path;
    return path.lexically_normal().string();
}

}  // namespace env::envfile

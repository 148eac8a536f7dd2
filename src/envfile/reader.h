#pragma once
// Shared machinery for turning yaml-cpp nodes into model structs: type checks, unknown-key
// detection with suggestions, placeholder substitution, and error reporting at the node's
// line and column. Internal to the envfile module (load.h is the public entry point).
#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "envfile/diagnostics.h"
#include "envfile/interpolate.h"
#include "envfile/model.h"

namespace env::envfile {

// A scalar after placeholder substitution. `looped` says it held a placeholder, so a
// problem with it depends on the loop iteration and the message names the machine.
struct Str {
    std::string text;
    bool looped = false;
};

// One key of a mapping being read (or one item of a list: then key is the item).
struct Field {
    std::string name;  // for messages: "memory", "ports entry"
    YAML::Node key;
    YAML::Node value;
};

class Reader {
public:
    Reader(Diagnostics& diag, std::string dir) : diag(diag), dir(std::move(dir)) {}

    Diagnostics& diag;
    std::string dir;  // absolute directory of the Envfile: relative paths resolve against it
    const Vars* vars = &no_vars_;
    std::string machine;  // the machine being read when it comes from a loop, else ""
    const std::map<std::string, Network>* networks = nullptr;
    std::set<std::string> broken_networks;  // defined, but with a reported problem

    static const Vars& no_vars() { return no_vars_; }
    static Mark mark(const YAML::Node& n);
    // Where a field's value is; a missing (null) value points at its key.
    static Mark mark(const Field& f);
    void error(Mark at, const std::string& message) { diag.error(at, message); }
    void error(const Field& f, const std::string& message) { diag.error(mark(f), message); }

    // " (in web2)" when s came from a placeholder of a looped machine, else "".
    std::string in(const Str& s) const;
    std::string in_machine() const { return machine.empty() ? "" : " (in " + machine + ")"; }

    // Reads a mapping: reports a value that is not one, keys that are not in `keys` (with
    // a suggestion) and keys given twice; calls fn for every known key, in file order.
    // A null value is an empty mapping when allow_null, an error otherwise.
    bool map(const Field& f, std::span<const std::string_view> keys,
             const std::function<void(const Field&)>& fn, bool allow_null = false);
    // Reads a list: calls fn for every item, with its 0-based index.
    bool list(const Field& f, const std::function<void(const Field&, size_t)>& fn);

    // A scalar with placeholders replaced; nullopt after reporting.
    std::optional<Str> str(const Field& f);
    // A non-empty scalar.
    std::optional<Str> nonempty(const Field& f);
    std::optional<int64_t> integer(const Field& f, int64_t lo, int64_t hi);
    std::optional<bool> boolean(const Field& f);
    // A scalar run through a values.h parser; the parser's message is reported as is.
    template <typename T, typename P>
    std::optional<T> parsed(const Field& f, P parse) {
        auto s = str(f);
        if (!s) return std::nullopt;
        auto v = parse(s->text);
        if (!v) {
            error(f, v.error() + in(*s));
            return std::nullopt;
        }
        return std::optional<T>(std::move(*v));
    }
    // One of a fixed set of words ("tcp" or "udp").
    std::optional<Str> choice(const Field& f, std::span<const std::string_view> words);

    // Absolute, lexically normalised path for p relative to the Envfile's directory.
    std::string absolute(const std::string& p) const;

private:
    static inline const Vars no_vars_{};
};

// "a mapping", "a list", "a string", "nothing": for "expected X, got Y" messages.
std::string_view node_kind(const YAML::Node& n);

}  // namespace env::envfile

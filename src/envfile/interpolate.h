#pragma once
// ${...} placeholders in the strings of a looped machine: "web${i}", "192.168.56.${10 + i}".
// Inside the braces: a loop variable, an integer, or integer arithmetic over them with
// + - * / % and parentheses (C semantics: / truncates, % takes the dividend's sign).
// "$${" is a literal "${", so shell scripts can still say $${HOME}.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "envfile/values.h"

namespace env::envfile {

// The variables bound by for: for one iteration, in key order. A handful at most, so a
// vector beats a map.
using Vars = std::vector<std::pair<std::string, std::string>>;

// True when text holds a placeholder or an escaped "$${": only such strings are rewritten.
inline bool has_placeholder(std::string_view text) {
    return text.find("${") != std::string_view::npos;
}

Parsed<std::string> interpolate(std::string_view text, const Vars& vars);

// Evaluates the inside of one placeholder.
Parsed<std::string> evaluate(std::string_view expr, const Vars& vars);

}  // namespace env::envfile

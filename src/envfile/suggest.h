#pragma once
// "did you mean ...?" for misspelt keys and names.
#include <span>
#include <string>
#include <string_view>

namespace env::envfile {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions, so that
// "memroy" is one edit from "memory").
int edit_distance(std::string_view a, std::string_view b);

// The closest candidate within a small distance, or "" when none is close enough.
std::string closest(std::string_view word, std::span<const std::string_view> candidates);

// "; did you mean 'x'?" or "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace env::envfile

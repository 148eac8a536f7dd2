#pragma once
// `for:` on a machine: `for: {i: 1..3}` (an inclusive integer range) or
// `for: {zone: [a, b]}` (a list of values); several variables give the cartesian product,
// the first variable varying slowest (key order), as nested loops read top-down would.
#include <optional>
#include <vector>

#include "envfile/reader.h"

namespace env::envfile {

// Most machines one loop may produce: a typo like 1..1000 should be an error, not a hang.
inline constexpr size_t max_loop_iterations = 256;

// The iterations of a for: field, each binding every variable; nullopt after reporting.
std::optional<std::vector<Vars>> read_loop(Reader& r, const Field& f);

}  // namespace env::envfile

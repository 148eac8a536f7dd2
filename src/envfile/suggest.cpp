#include "envfile/suggest.h"

#include <algorithm>
#include <vector>

namespace env::envfile {

int edit_distance(std::string_view a, std::string_view b) {
    const size_t n = a.size(), m = b.size();
    std::vector<int> d((n + 1) * (m + 1));
    auto at = [&](size_t i, size_t j) -> int& { return d[i * (m + 1) + j]; };
    for (size_t i = 0; i <= n; ++i) at(i, 0) = int(i);
    for (size_t j = 0; j <= m; ++j) at(0, j) = int(j);
    for (size_t i = 1; i <= n; ++i)
        for (size_t j = 1; j <= m; ++j) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    return at(n, m);
}

std::string closest(std::string_view word, std::span<const std::string_view> candidates) {
    // Allow about one edit per three characters, at most two: close enough to be a typo,
    // far enough not to suggest "cpus" for "gpu".
    const int limit = std::clamp(int(word.size()) / 3, 1, 2);
    std::string_view best;
    int best_d = limit + 1;
    for (auto c : candidates) {
        int dist = edit_distance(word, c);
        if (dist < best_d) best_d = dist, best = c;
    }
    return std::string(best);
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    auto c = closest(word, candidates);
    return c.empty() ? std::string() : "; did you mean '" + c + "'?";
}

}  // namespace env::envfile

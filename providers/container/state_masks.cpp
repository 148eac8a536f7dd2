#include "providers/container/state_masks.h"

#include <filesystem>

namespace env::container {
namespace {

std::string normal(const std::string& path) {
    std::string p = std::filesystem::path(path).lexically_normal().string();
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p;
}

}  // namespace

std::vector<std::string> state_masks(const std::string& machine_dir,
                                     const std::vector<BindMount>& binds) {
    const std::string state_root =
        normal(std::filesystem::path(normal(machine_dir)).parent_path().parent_path().string());
    std::vector<std::string> out;
    for (auto& b : binds) {
        const std::string source = normal(b.source), target = normal(b.target);
        // Strictly below the bound folder: a bind of the state itself, or of a part of it,
        // is the provider's.
        if (state_root.size() <= source.size() || state_root.rfind(source, 0) != 0) continue;
        if (source == "/") {
            out.push_back(target + state_root);
        } else if (state_root[source.size()] == '/') {
            out.push_back(target + state_root.substr(source.size()));
        }
    }
    return out;
}

}  // namespace env::container

// The explicit list of providers. Adding one means adding a line here and linking its
// library in this folder's CMakeLists.txt.
#include "provider/registry.h"

#include <functional>
#include <utility>

#include "providers/container/container_provider.h"

namespace env::provider {
namespace {

using Factory = std::function<std::unique_ptr<Provider>()>;

const std::vector<std::pair<std::string, Factory>>& providers() {
    static const std::vector<std::pair<std::string, Factory>> list = {
        {"container", [] { return std::make_unique<container::ContainerProvider>(); }},
    };
    return list;
}

}  // namespace

std::vector<std::string> names() {
    std::vector<std::string> out;
    for (auto& [name, _] : providers()) out.push_back(name);
    return out;
}

Result<std::unique_ptr<Provider>> make(const std::string& name) {
    for (auto& [n, factory] : providers())
        if (n == name) return factory();
    std::string known;
    for (auto& n : names()) known += (known.empty() ? "" : ", ") + n;
    return fail(ErrorKind::NotFound, "provider '" + name + "' is not available in this build" +
                                         (known.empty() ? std::string() : " (have: " + known + ")"));
}

}  // namespace env::provider

#include "provider/registry.h"

#include <utility>

#include "state/provider_names.h"

namespace env::provider {
namespace {

std::vector<std::pair<std::string, Factory>>& providers() {
    static std::vector<std::pair<std::string, Factory>> list;
    return list;
}

}  // namespace

Result<> register_provider(const std::string& name, Factory factory) {
    if (!state::is_provider_name(name))
        return fail(ErrorKind::Invalid,
                    "provider '" + name + "' is not one of " + state::provider_names_text());
    for (auto& [n, _] : providers())
        if (n == name) return fail(ErrorKind::Invalid, "provider '" + name + "' registered twice");
    providers().emplace_back(name, std::move(factory));
    return {};
}

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
    return fail(ErrorKind::NotFound,
                "provider '" + name + "' is not available in this build" +
                    (known.empty() ? std::string() : " (have: " + known + ")"));
}

}  // namespace env::provider

#include "state/provider_names.h"

#include <algorithm>
#include <array>

namespace env::state {
namespace {

constexpr std::array<std::string_view, 2> kNames{kKvmProvider, kContainerProvider};

}  // namespace

std::span<const std::string_view> provider_names() {
    return kNames;
}

std::string_view default_provider() {
    return kContainerProvider;
}

bool is_provider_name(std::string_view name) {
    return std::ranges::find(kNames, name) != kNames.end();
}

std::string provider_names_text() {
    std::string out;
    for (size_t i = 0; i < kNames.size(); ++i)
        out += (i == 0 ? "" : i + 1 == kNames.size() ? " or " : ", ") + std::string(kNames[i]);
    return out;
}

}  // namespace env::state

#pragma once
// The providers env knows by name, and the one a machine gets when its Envfile names none:
// the one list that the Envfile's validator, `box add`, box metadata and the provider
// registry (provider/registry.h, which refuses a name missing here) all ask.
#include <span>
#include <string>
#include <string_view>

namespace env::state {

inline constexpr std::string_view kContainerProvider = "container";
inline constexpr std::string_view kKvmProvider = "kvm";

// In the order messages list them.
std::span<const std::string_view> provider_names();
std::string_view default_provider();
bool is_provider_name(std::string_view name);
// "kvm or container", for messages.
std::string provider_names_text();

}  // namespace env::state

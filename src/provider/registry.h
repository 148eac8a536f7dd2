#pragma once
// The providers this binary has. The composition root (app/main.cpp) registers each one
// explicitly before the CLI runs (no static self-registration: the linker would drop it),
// so nothing under src/ names a provider's code.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "provider/provider.h"

namespace env::provider {

using Factory = std::function<std::unique_ptr<Provider>()>;

// Invalid error for a name missing from state/provider_names.h or registered twice.
Result<> register_provider(const std::string& name, Factory factory);
std::vector<std::string> names();
// NotFound error naming the known providers when name is unknown.
Result<std::unique_ptr<Provider>> make(const std::string& name);

}  // namespace env::provider

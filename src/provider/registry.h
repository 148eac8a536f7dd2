#pragma once
// The explicit list of providers (no static self-registration: the linker would drop it).
#include <memory>
#include <string>
#include <vector>

#include "provider/provider.h"

namespace env::provider {

std::vector<std::string> names();
// NotFound error naming the known providers when name is unknown.
Result<std::unique_ptr<Provider>> make(const std::string& name);

}  // namespace env::provider

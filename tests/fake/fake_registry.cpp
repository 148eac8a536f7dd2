#include "fake_registry.h"

#include <memory>
#include <mutex>
#include <string>

#include "fake_provider.h"
#include "provider/registry.h"
#include "state/provider_names.h"

namespace env::fake {

Result<> register_fake_provider() {
    static std::once_flag once;
    static Result<> outcome;
    std::call_once(once, [] {
        std::string name(state::kContainerProvider);
        outcome = provider::register_provider(
            name, [name] { return std::make_unique<FakeProvider>(name, Cloud::current()); });
    });
    return outcome;
}

}  // namespace env::fake

// The provider list of the pipeline tests' binary: it is its own composition root, so it
// names the providers core may make, and the only one is the fake. This file defines the
// two functions of provider/registry.h; linked into the test executable, it stands in for
// env_provider's registry.cpp, which the linker then never pulls from the archive (were it
// pulled for another symbol, the link fails on the duplicates: never a silent mix).
#include <memory>

#include "fake_provider.h"
#include "provider/registry.h"

namespace env::provider {

std::vector<std::string> names() { return {"fake"}; }

Result<std::unique_ptr<Provider>> make(const std::string& name) {
    if (name != "fake")
        return fail(ErrorKind::NotFound, "provider '" + name + "' is not available in this build" +
                                             " (have: fake)");
    auto* cloud = fake::Cloud::current();
    if (!cloud) return fail(ErrorKind::Internal, "the fake provider needs a fake::Cloud");
    return std::make_unique<fake::FakeProvider>(*cloud);
}

}  // namespace env::provider

// The provider list of the pipeline tests' binary: it is its own composition root, so it
// names the providers core may make. This file defines the two functions of
// provider/registry.h; linked into the test executable, it stands in for env_provider's
// registry.cpp, which the linker then never pulls from the archive (were it pulled for
// another symbol, the link would fail on the duplicates: never a silent mix).
//
// The machines are made by `up --provider fake` and their records say "fake". "container"
// is the fake too: an Envfile can only name the built-in providers ("container" is the
// default), and core makes a machine's Envfile provider even where it then asks it nothing
// (halt or destroy of a machine never created), so that name must exist here as in env.
#include <memory>

#include "fake_provider.h"
#include "provider/registry.h"

namespace env::provider {

std::vector<std::string> names() {
    return {"fake", "container"};
}

Result<std::unique_ptr<Provider>> make(const std::string& name) {
    if (name != "fake" && name != "container")
        return fail(ErrorKind::NotFound, "provider '" + name +
                                             "' is not available in this build (have: fake, "
                                             "container as the fake)");
    auto* cloud = fake::Cloud::current();
    if (!cloud) return fail(ErrorKind::Internal, "the fake provider needs a fake::Cloud");
    return std::make_unique<fake::FakeProvider>(*cloud);
}

}  // namespace env::provider

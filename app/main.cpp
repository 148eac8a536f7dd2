// env: a declarative environment manager. Everything happens in cli/; this file is the
// composition root, the one place that names the providers this binary has (adding one
// means a line here and its library in env's link list in the top CMakeLists.txt).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/main.h"
#include "provider/registry.h"
#include "providers/container/container_provider.h"
#include "state/provider_names.h"

int main(int argc, char** argv) {
    auto registered = env::provider::register_provider(
        std::string(env::state::kContainerProvider),
        [] { return std::make_unique<env::container::ContainerProvider>(); });
    if (!registered) {
        std::fprintf(stderr, "env: %s\n", registered.error().what().c_str());
        return 70;  // EX_SOFTWARE: a build that lists a provider wrongly
    }
    return env::cli::main(argc, argv);
}

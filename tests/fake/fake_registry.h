#pragma once
// Makes the fake the provider of this test process, under a built-in provider's name: a
// test binary is its own composition root, as app/main.cpp is env's. Provider names are
// one fixed list (state/provider_names.h) that the Envfile, box metadata and the registry
// all check, so the fake takes "container", the default: Envfiles name no provider, the
// fake box is a container-format box (rootfs), and machine records say "container".
#include "util/error.h"

namespace env::fake {

// Registers once per process (the registry refuses a name twice); later calls return the
// first call's outcome. The provider acts in the fake::Cloud current when it is made.
Result<> register_fake_provider();

}  // namespace env::fake

#pragma once
// The debian-12 box for e2e tests: boxes/debian-12/cached.sh builds it once per recipe
// (cached in ~/.cache/env-test-boxes, ~2 minutes of debootstrap) and says why when this
// host cannot (exit 77: not root, debootstrap or zstd missing, the mirror unreachable).
#include <string>

#include "tests/e2e/container/e2e_project.h"

namespace env::test {

struct DebianBox {
    std::string catalog;      // debian-12.json, for `env box add debian-12 CATALOG`
    std::string skip_reason;  // "" when the box is there
};

inline DebianBox debian_box() {
    if (auto reason = e2e_skip_reason(); !reason.empty()) return {"", reason};
    auto r = run(std::string(ENV_SOURCE_DIR) + "/boxes/debian-12/cached.sh");
    if (r.status == 77) return {"", trim(r.err)};
    INFO(r.err);
    REQUIRE(r.status == 0);
    return {trim(r.out), ""};
}

}  // namespace env::test

// Ends the test as skipped, saying why, when the debian-12 box cannot be had here.
#define DEBIAN_BOX_OR_SKIP(var)         \
    auto var = env::test::debian_box(); \
    if (!var.skip_reason.empty()) {     \
        ENV_SKIP(var.skip_reason);      \
    }

#pragma once
// Paths to the images the VMM tests boot or parse.
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "util/sys.h"

namespace env::kvm::test {

inline std::string guest_image(const std::string& name) {
    return std::string(ENV_BINARY_DIR) + "/tests/guest/" + name;
}

// Debian's cloud kernel as fetched by tests/guest/fetch-kernel.sh, when present.
inline std::optional<std::string> kernel_cache_dir() {
    if (const char* d = std::getenv("ENV_KERNEL_CACHE")) return std::string(d);
    if (const char* h = std::getenv("HOME")) return std::string(h) + "/.cache/env-test-kernel";
    return std::nullopt;
}
inline std::optional<std::string> debian_kernel() {
    auto dir = kernel_cache_dir();
    if (!dir || !sys::exists(*dir + "/vmlinuz")) return std::nullopt;
    return *dir + "/vmlinuz";
}
inline const char* kNoKernel =
    "Debian's cloud kernel is not in the cache; run tests/guest/fetch-kernel.sh to test against it";

inline std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace env::kvm::test

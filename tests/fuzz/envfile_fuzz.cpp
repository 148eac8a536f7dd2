// libFuzzer target: the whole Envfile path a user's file takes through `env validate`:
// YAML parsing (yaml-cpp), the readers, loop expansion, ${} expressions, sizes, addresses
// and the project checks. Whatever the bytes, load_string must return (a value or an
// error), never crash, leak, overflow the stack or run away (libFuzzer's -timeout and
// -rss_limit_mb catch the last two). Seeds: every Envfile under examples/ and tests/data
// (run.sh copies them into the seed directory).
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "envfile/load.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    spdlog::set_level(spdlog::level::off);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // What load() reads at most; relative paths resolve under a directory that does not
    // exist, so file checks fail the same way on every run.
    if (size > env::envfile::max_envfile_bytes) return -1;
    std::string text(reinterpret_cast<const char*>(data), size);
    auto r = env::envfile::load_string(text, "/nonexistent-env-fuzz/Envfile");
    if (!r) (void)r.error().message().size();
    return 0;
}

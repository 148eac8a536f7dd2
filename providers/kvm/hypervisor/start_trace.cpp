#include "providers/kvm/hypervisor/start_trace.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace env::kvm::start_trace {

void mark(const char* step) {
    static const bool enabled = std::getenv("ENV_VMM_START_TRACE") != nullptr;
    if (!enabled) return;
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    // stderr is unbuffered: one write per line, whole lines even from several threads.
    std::fprintf(stderr, "env-vmm start: %.3f %s\n", ts.tv_sec * 1e3 + ts.tv_nsec / 1e6, step);
}

}  // namespace env::kvm::start_trace

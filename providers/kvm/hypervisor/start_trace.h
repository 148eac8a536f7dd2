#pragma once
// Start-up timing, for profiling the way to the guest's first serial byte: with the
// environment variable ENV_VMM_START_TRACE set, mark() prints one stderr line per step,
// "env-vmm start: <ms> <step>", in milliseconds on CLOCK_MONOTONIC (the clock a parent's
// time.perf_counter() or clock_gettime reads) so that it can place them against its own
// spawn time. Unset, mark() costs one load and a branch.
namespace env::kvm::start_trace {

void mark(const char* step);

}  // namespace env::kvm::start_trace

#pragma once
// `env-vmm --probe`: runs a fixed loop in a throw-away guest and measures how fast guest
// kernel-mode code runs, to tell hardware-accelerated KVM from a nested, emulated one.
#include "util/error.h"

namespace env::kvm {

struct ProbeResult {
    double seconds = 0;
    double mips = 0;  // millions of guest instructions per second
    bool accelerated = false;
};

// Under this threshold of guest MIPS, KVM is considered emulated (measured: ~2 when
// emulated, thousands on hardware).
inline constexpr double kAcceleratedMips = 100.0;

Result<ProbeResult> probe_speed();

}  // namespace env::kvm

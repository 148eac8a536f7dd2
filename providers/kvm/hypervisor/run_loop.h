#pragma once
// What the VMM does with one vCPU exit: port and MMIO accesses go to their bus, the rest
// becomes a reason to stop. Pure dispatch, so tests drive it with made-up exits and no KVM.
#include <optional>

#include "providers/kvm/hypervisor/bus.h"
#include "providers/kvm/hypervisor/vcpu_exit.h"

namespace env::kvm {

// Why the VMM stopped; each maps to a documented exit status (README.md, "Exit statuses").
enum class StopReason { PowerOff, Reset, TripleFault, Killed, Signal, Error };
int exit_status(StopReason r);
const char* to_string(StopReason r);

// nullopt: keep running. Interrupted exits are not handled here (the runner looks at its
// requests first) and count as "keep running".
std::optional<StopReason> handle_exit(const VcpuExit& exit, Bus& pio, Bus& mmio);

}  // namespace env::kvm

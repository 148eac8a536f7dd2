#pragma once
// Per-vCPU CPUID: KVM's supported leaves, patched so that every vCPU reports the same
// consistent topology (one socket, `count` cores, one thread per core) and its own APIC id,
// matching the MP table. Pure function: unit-tested without KVM.
#include <linux/kvm.h>

#include <vector>

namespace env::kvm {

std::vector<kvm_cpuid_entry2> cpuid_for_vcpu(std::vector<kvm_cpuid_entry2> supported, unsigned id,
                                             unsigned count);

}  // namespace env::kvm

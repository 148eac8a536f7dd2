#pragma once
// Per-vCPU CPUID: KVM's supported leaves, patched so that every vCPU reports the same
// consistent topology (one socket, `count` cores, one thread per core) and its own APIC id,
// matching the MP table. Pure function: unit-tested without KVM.
#include <linux/kvm.h>

#include <cstdint>
#include <vector>

namespace env::kvm {

std::vector<kvm_cpuid_entry2> cpuid_for_vcpu(std::vector<kvm_cpuid_entry2> supported, unsigned id,
                                             unsigned count);

// KVM's paravirtual leaves (0x40000000 "KVMKVMKVM\0\0\0", 0x40000001 features: kvm-clock,
// ...) come from KVM_GET_SUPPORTED_CPUID; this adds the timing leaf 0x40000010 that
// VMware, QEMU (with invtsc) and Cloud Hypervisor offer: EAX the TSC frequency in kHz, EBX the
// local APIC timer's (KVM's is 1 GHz), and raises 0x40000000's EAX (the highest hypervisor
// leaf) to cover it. Without a KVM signature leaf the list is returned unchanged.
std::vector<kvm_cpuid_entry2> with_timing_leaf(std::vector<kvm_cpuid_entry2> leaves,
                                               uint32_t tsc_khz);

}  // namespace env::kvm

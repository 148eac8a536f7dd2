#pragma once
// CPU state at the kernel's entry. Linux's 64-bit entry wants long mode with identity-mapped
// paging and flat __BOOT_CS (0x10) / __BOOT_DS (0x18) segments (boot.rst, "64-bit BOOT
// PROTOCOL"); PVH wants flat 32-bit protected mode with paging off. The register values are
// computed by pure functions so tests can check them without KVM.
#include <linux/kvm.h>

#include <cstdint>

#include "providers/kvm/boot/loader.h"
#include "providers/kvm/hypervisor/guest_memory.h"

namespace env::kvm {

// Identity map of the first 4 GiB with 2 MiB pages, and the GDT, in guest memory.
Result<> write_boot_tables(GuestMemory& mem, EntryMode mode);
// Segment and control registers for the entry mode, on top of KVM's reset values.
kvm_sregs boot_sregs(kvm_sregs base, EntryMode mode);
kvm_regs boot_regs(const BootSetup& b);

}  // namespace env::kvm

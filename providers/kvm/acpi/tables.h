#pragma once
// The ACPI tables env-vmm publishes in guest memory (see README.md, "Guest-visible machine").
#include <cstdint>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "util/error.h"

namespace env::kvm {

// Writes the ACPI tables at layout::kAcpiTables and returns the RSDP's address.
Result<uint64_t> write_acpi_tables(GuestMemory& mem, unsigned vcpus);

}  // namespace env::kvm

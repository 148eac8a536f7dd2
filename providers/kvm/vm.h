#pragma once
// A KVM virtual machine: memory slots, the in-kernel IRQ chip (PIC + IOAPIC) and PIT,
// interrupt lines, vCPU creation.
#include <cstdint>

#include "providers/kvm/guest_memory.h"
#include "providers/kvm/kvm.h"
#include "providers/kvm/vcpu.h"

namespace env::kvm {

class Vm {
public:
    // Creates the VM with the in-kernel IRQ chip and PIT and maps `memory` into it.
    static Result<Vm> create(const Kvm& kvm, const GuestMemory& memory);

    int fd() const { return fd_.get(); }
    // Drives GSI `gsi` (ISA IRQs 0-15 reach the PIC and IOAPIC, 16-23 the IOAPIC) to `level`.
    Result<> irq_line(uint32_t gsi, bool level) const;
    Result<Vcpu> create_vcpu(const Kvm& kvm, unsigned id) const;

private:
    UniqueFd fd_;
};

}  // namespace env::kvm

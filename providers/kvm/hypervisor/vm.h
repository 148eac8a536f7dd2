#pragma once
// A KVM virtual machine: memory slots, the in-kernel IRQ chip (PIC + IOAPIC) and PIT,
// interrupt lines, vCPU creation.
#include <cstdint>
#include <span>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/hypervisor/kvm.h"
#include "providers/kvm/hypervisor/vcpu.h"

namespace env::kvm {

class Vm {
public:
    // Creates the VM. Memory (add_memory) and the IRQ chip (create_irqchip) are separate
    // steps because each makes the kernel wait for a grace period (4 ms or more on the
    // nested development machines): the VMM runs them on two threads at once.
    static Result<Vm> create(const Kvm& kvm);
    // KVM_SET_USER_MEMORY_REGION: guest-physical [gpa, gpa+size) is RAM at `host`.
    Result<> add_memory(unsigned slot, uint64_t gpa, uint64_t size, void* host) const;
    // The in-kernel PIC, IOAPIC (KVM_CREATE_IRQCHIP) and PIT; before any vCPU is created.
    Result<> create_irqchip() const;

    // Leaves the 8259 pair as a PC's firmware does before it boots an OS: initialized
    // (vectors 0x08 and 0x70) with every input masked. Linux on a hardware-reduced ACPI
    // machine never touches them, and LINT0 stays in ExtINT mode, so an unmasked 8259
    // fresh from KVM_CREATE_IRQCHIP (vector base 0) would deliver ISA IRQs as exceptions.
    Result<> mask_pic() const;

    int fd() const { return fd_.get(); }
    // Drives GSI `gsi` (ISA IRQs 0-15 reach the PIC and IOAPIC, 16-23 the IOAPIC) to `level`.
    Result<> irq_line(uint32_t gsi, bool level) const;
    Result<Vcpu> create_vcpu(const Kvm& kvm, unsigned id) const;

    // virtio-pci's fast paths (see pci/virtio_pci.h). KVM_SET_GSI_ROUTING replaces the whole
    // table, so `routes` must include the IRQ chip's own pins (default_irqchip_routes()).
    Result<> set_gsi_routing(std::span<const kvm_irq_routing_entry> routes) const;
    // KVM_IRQFD: a write to `eventfd` injects GSI `gsi` (an MSI route or an IOAPIC pin).
    Result<> add_irqfd(int eventfd, uint32_t gsi) const;
    Result<> remove_irqfd(int eventfd, uint32_t gsi) const;
    // KVM_IOEVENTFD: a guest write of `len` bytes at MMIO address `addr` signals `eventfd`
    // inside KVM, without an exit to the VMM's vCPU thread.
    Result<> add_ioeventfd(int eventfd, uint64_t addr, unsigned len) const;
    Result<> remove_ioeventfd(int eventfd, uint64_t addr, unsigned len) const;

private:
    UniqueFd fd_;
};

}  // namespace env::kvm

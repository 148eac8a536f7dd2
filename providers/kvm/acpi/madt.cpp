#include "providers/kvm/acpi/madt.h"

#include "providers/kvm/acpi/sdt.h"

namespace env::kvm::acpi {

namespace {
constexpr uint8_t kLocalApic = 0, kIoApic = 1, kSourceOverride = 2, kLocalApicNmi = 4;
}

std::vector<uint8_t> build_madt(unsigned vcpus, uint8_t ioapic_id, uint32_t ioapic_addr,
                                uint32_t lapic_addr) {
    Sdt t("APIC", 5);
    t.put32(36, lapic_addr);
    // Flags: PCAT_COMPAT clear. The 8259s exist (KVM's) but a hardware-reduced machine has
    // no use for them: Linux then never routes anything through them.
    t.put32(40, 0);
    size_t off = 44;
    for (unsigned id = 0; id < vcpus; ++id) {
        // Processor Local APIC (5.2.12.2): UID and APIC id = vCPU id (as CPUID says), enabled.
        t.put8(off, kLocalApic);
        t.put8(off + 1, 8);
        t.put8(off + 2, static_cast<uint8_t>(id));
        t.put8(off + 3, static_cast<uint8_t>(id));
        t.put32(off + 4, 1);
        off += 8;
    }
    // I/O APIC (5.2.12.3): its 24 pins are GSIs 0-23.
    t.put8(off, kIoApic);
    t.put8(off + 1, 12);
    t.put8(off + 2, ioapic_id);
    t.put8(off + 3, 0);
    t.put32(off + 4, ioapic_addr);
    t.put32(off + 8, 0);
    off += 12;
    for (uint8_t irq : kIsaOverrides) {
        // Interrupt Source Override (5.2.12.5): bus 0 (ISA), source = GSI, flags 0
        // (conforming: edge, active high, as ISA is).
        t.put8(off, kSourceOverride);
        t.put8(off + 1, 10);
        t.put8(off + 2, 0);
        t.put8(off + 3, irq);
        t.put32(off + 4, irq);
        t.put16(off + 8, 0);
        off += 10;
    }
    // Local APIC NMI (5.2.12.7): LINT1 of every processor (0xFF) is the NMI input.
    t.put8(off, kLocalApicNmi);
    t.put8(off + 1, 6);
    t.put8(off + 2, 0xFF);
    t.put16(off + 3, 0);
    t.put8(off + 5, 1);
    return t.finish();
}

}  // namespace env::kvm::acpi

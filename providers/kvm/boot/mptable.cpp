#include "providers/kvm/boot/mptable.h"

#include <cstring>
#include <string_view>

#include "providers/kvm/pci/pci_bus.h"

namespace env::kvm {

namespace {
// Entry types and sizes (MP spec 1.4, 4.3, table 4-3).
constexpr uint8_t kProcessor = 0, kBus = 1, kIoapic = 2, kIoInterrupt = 3, kLocalInterrupt = 4;
constexpr uint8_t kIntInt = 0, kIntNmi = 1, kIntExt = 3;
// I/O interrupt flags (4.3.4): polarity bits 1:0, trigger mode bits 3:2.
constexpr uint16_t kConforming = 0x0, kActiveLowLevel = 0x3 | (0x3 << 2);

class Writer {
public:
    std::vector<uint8_t> bytes;
    void u8(uint8_t v) { bytes.push_back(v); }
    void u16(uint16_t v) {
        u8(v & 0xFF);
        u8(v >> 8);
    }
    void u32(uint32_t v) {
        u16(v & 0xFFFF);
        u16(v >> 16);
    }
    void str(std::string_view s, size_t n) {
        for (size_t i = 0; i < n; ++i) u8(i < s.size() ? static_cast<uint8_t>(s[i]) : ' ');
    }
};

uint8_t checksum(const uint8_t* p, size_t n) {
    uint8_t sum = 0;
    for (size_t i = 0; i < n; ++i) sum += p[i];
    return static_cast<uint8_t>(-sum);
}

void interrupt(Writer& w, uint8_t type, uint8_t irqtype, uint16_t flags, uint8_t bus, uint8_t src,
               uint8_t dst_id, uint8_t dst_pin) {
    w.u8(type);
    w.u8(irqtype);
    w.u16(flags);
    w.u8(bus);
    w.u8(src);
    w.u8(dst_id);
    w.u8(dst_pin);
}
}  // namespace

std::vector<uint8_t> build_mptable(uint32_t base, unsigned cpus,
                                   const std::array<bool, 32>& pci_slots) {
    if (cpus == 0) cpus = 1;
    if (cpus > kMaxVcpus) cpus = kMaxVcpus;
    const uint8_t ioapic_id = static_cast<uint8_t>(cpus);
    const uint32_t table = base + 16;

    // Floating pointer structure (4.1, table 4-1).
    Writer fp;
    fp.str("_MP_", 4);
    fp.u32(table);
    fp.u8(1);  // length in 16-byte paragraphs
    fp.u8(4);  // spec revision 1.4
    fp.u8(0);  // checksum, below
    fp.u8(0);  // feature 1: 0 = a configuration table is present
    fp.u8(0);  // feature 2: bit 7 IMCR absent (virtual wire mode)
    fp.u8(0);
    fp.u8(0);
    fp.u8(0);
    fp.bytes[10] = checksum(fp.bytes.data(), fp.bytes.size());

    // Entries (4.3).
    Writer e;
    uint16_t count = 0;
    for (unsigned i = 0; i < cpus; ++i, ++count) {
        e.u8(kProcessor);
        e.u8(static_cast<uint8_t>(i));     // local APIC id
        e.u8(0x14);                        // local APIC version (integrated APIC)
        e.u8(0x01 | (i == 0 ? 0x02 : 0));  // enabled; bit 1: bootstrap processor
        e.u32(0x600);                      // signature: family 6
        e.u32(0x201);                      // features: FPU, APIC
        e.u32(0);
        e.u32(0);
    }
    e.u8(kBus);
    e.u8(kMpBusPci);
    e.str("PCI", 6);
    ++count;
    e.u8(kBus);
    e.u8(kMpBusIsa);
    e.str("ISA", 6);
    ++count;
    e.u8(kIoapic);
    e.u8(ioapic_id);
    e.u8(0x11);
    e.u8(0x01);
    e.u32(kIoapicAddr);
    ++count;
    // ISA IRQs 0-15 go to the IOAPIC pins of the same number: KVM's default GSI routing.
    for (uint8_t irq = 0; irq < 16; ++irq, ++count)
        interrupt(e, kIoInterrupt, kIntInt, kConforming, kMpBusIsa, irq, ioapic_id, irq);
    // PCI INTA# of each occupied slot: source irq is (device << 2) | pin (D.3 of the spec).
    for (unsigned s = 1; s < pci_slots.size(); ++s)
        if (pci_slots[s]) {
            interrupt(e, kIoInterrupt, kIntInt, kActiveLowLevel, kMpBusPci,
                      static_cast<uint8_t>(s << 2), ioapic_id, pci::legacy_irq(s));
            ++count;
        }
    // Virtual wire: the PIC's output to LINT0 as ExtINT, NMI on LINT1, on all local APICs.
    interrupt(e, kLocalInterrupt, kIntExt, kConforming, kMpBusIsa, 0, 0xFF, 0);
    ++count;
    interrupt(e, kLocalInterrupt, kIntNmi, kConforming, kMpBusIsa, 0, 0xFF, 1);
    ++count;

    // Configuration table header (4.2, table 4-2).
    Writer h;
    h.str("PCMP", 4);
    h.u16(static_cast<uint16_t>(44 + e.bytes.size()));
    h.u8(4);
    h.u8(0);  // checksum, below
    h.str("ENV", 8);
    h.str("ENV-VMM", 12);
    h.u32(0);  // OEM table pointer
    h.u16(0);
    h.u16(count);
    h.u32(kLapicAddr);
    h.u16(0);  // extended table length
    h.u8(0);
    h.u8(0);
    h.bytes.insert(h.bytes.end(), e.bytes.begin(), e.bytes.end());
    h.bytes[7] = checksum(h.bytes.data(), h.bytes.size());

    std::vector<uint8_t> out = fp.bytes;
    out.insert(out.end(), h.bytes.begin(), h.bytes.end());
    return out;
}

}  // namespace env::kvm

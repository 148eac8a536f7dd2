#include "providers/kvm/acpi/dsdt.h"

#include "providers/kvm/acpi/aml.h"

namespace env::kvm::acpi {

namespace {
constexpr unsigned kFirstSlot = 1, kSlots = 32;
constexpr uint16_t kPciConfigPort = 0xCF8;
}  // namespace

std::vector<uint8_t> build_dsdt_aml(const PciHostConfig& pci, uint8_t s5_sleep_type) {
    using namespace aml;
    std::vector<Bytes> prt;
    for (unsigned slot = kFirstSlot; slot < kSlots; ++slot) {
        // _PRT entry (6.2.13): address (slot in the high word, any function), pin 0 = INTA,
        // source 0 = the GSI in the last field is wired directly (level, active low).
        prt.push_back(package({integer((uint64_t{slot} << 16) | 0xFFFF), integer(0), integer(0),
                               integer(pci.intx_gsi(slot))}));
    }
    Bytes crs = resource_template({
        word_bus_number(0, 0),
        io(kPciConfigPort, kPciConfigPort, 1, 8),
        word_io(0x0000, kPciConfigPort - 1),
        word_io(0x0D00, 0xFFFF),
        dword_memory(pci.mmio_base, pci.mmio_last),
    });
    Bytes out = device("\\_SB_.PCI0", {
                                          name("_HID", eisa_id("PNP0A03")),
                                          name("_SEG", integer(0)),
                                          name("_BBN", integer(0)),
                                          name("_UID", integer(0)),
                                          name("_CRS", crs),
                                          name("_PRT", package(prt)),
                                      });
    // The legacy devices, as Firecracker and Cloud Hypervisor describe them: ACPI's PNP
    // enumeration registers each one's GSI with the IOAPIC, which is what makes the fixed
    // ISA IRQs of the 8250, i8042 and rtc-cmos drivers usable on a machine without 8259s.
    auto legacy = [&](std::string_view path, std::string_view hid, std::vector<Bytes> crs) {
        Bytes d = device(path, {name("_HID", eisa_id(hid)), name("_UID", integer(0)),
                                name("_CRS", resource_template(crs))});
        out.insert(out.end(), d.begin(), d.end());
    };
    legacy("\\_SB_.COM1", "PNP0501", {io(0x3F8, 0x3F8, 0, 8), edge_interrupt(4)});
    legacy("\\_SB_.PS2K", "PNP0303",
           {io(0x60, 0x60, 0, 1), io(0x64, 0x64, 0, 1), edge_interrupt(1)});
    legacy("\\_SB_.RTC_", "PNP0B00", {io(0x70, 0x70, 0, 2), edge_interrupt(8)});
    // \_S5: SLP_TYPa and SLP_TYPb (7.4.2), then two reserved values.
    Bytes s5 =
        name("\\_S5_",
             package({integer(s5_sleep_type), integer(s5_sleep_type), integer(0), integer(0)}));
    out.insert(out.end(), s5.begin(), s5.end());
    return out;
}

}  // namespace env::kvm::acpi

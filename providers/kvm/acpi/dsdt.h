#pragma once
// The DSDT's definition block (ACPI 6.4, 5.2.11.1): the PCI host bridge and \_S5.
//
//   Device (\_SB.PCI0) {
//     Name (_HID, EISAID ("PNP0A03"))   // conventional PCI, configuration mechanism #1
//     Name (_SEG, 0)  Name (_BBN, 0)  Name (_UID, 0)
//     Name (_CRS, ResourceTemplate () { bus 0; ports 0xCF8-0xCFF; I/O windows 0-0xCF7 and
//                                       0xD00-0xFFFF; the 32-bit memory window })
//     Name (_PRT, Package () { Package () { 0xSSSSFFFF, 0, 0, GSI }, ... })  // INTA per slot
//   }
//   Name (\_S5, Package () { 5, 5, 0, 0 })
#include <cstdint>
#include <vector>

namespace env::kvm::acpi {

struct PciHostConfig {
    uint32_t mmio_base = 0;  // the 32-bit window the BARs live in, inclusive bounds
    uint32_t mmio_last = 0;
    // GSI of slot s's INTA (slots 1-31): where the device's level-triggered INTx arrives.
    uint8_t (*intx_gsi)(unsigned slot) = nullptr;
};

// The AML that follows the DSDT's header.
std::vector<uint8_t> build_dsdt_aml(const PciHostConfig& pci, uint8_t s5_sleep_type);

}  // namespace env::kvm::acpi

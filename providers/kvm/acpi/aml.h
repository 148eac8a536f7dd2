#pragma once
// A small AML encoder (ACPI 6.4, chapter 20 "ACPI Machine Language Specification"): just
// the terms env-vmm's DSDT needs, each a function returning its bytes so that a table is
// written as nested calls, the way ASL nests. Resource descriptors for _CRS are in
// ACPI 6.4, 6.4 "Resource Data Types for ACPI".
#include <cstdint>
#include <string_view>
#include <vector>

namespace env::kvm::acpi::aml {

using Bytes = std::vector<uint8_t>;

// PkgLength (20.2.4) for a body of `body_len` bytes: the count includes its own bytes.
Bytes pkg_length(size_t body_len);
// NameString (20.2.2): "\_SB_.PCI0", "PCI0", "_S5": segments are padded to four
// characters with '_'; a leading '\' is the root prefix.
Bytes name_string(std::string_view path);
// The shortest ComputationalData for `v`: ZeroOp, OneOp, Byte/Word/DWord/QWordConst.
Bytes integer(uint64_t v);
// A null-terminated String (StringPrefix 0x0D).
Bytes string(std::string_view s);
// A compressed EISA id such as "PNP0A03" as a DWordConst (what ASL's EISAID() makes).
Bytes eisa_id(std::string_view id);

// Name (path, value).
Bytes name(std::string_view path, const Bytes& value);
// Scope (path) { body... } and Device (path) { body... }.
Bytes scope(std::string_view path, const std::vector<Bytes>& body);
Bytes device(std::string_view path, const std::vector<Bytes>& body);
// Package () { elements... } (up to 255 elements).
Bytes package(const std::vector<Bytes>& elements);
// Buffer () { data }.
Bytes buffer(const Bytes& data);

// ResourceTemplate () { descriptors... }: a Buffer ending with the End Tag.
Bytes resource_template(const std::vector<Bytes>& descriptors);
// WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, min, max, 0, len).
Bytes word_bus_number(uint16_t min, uint16_t max);
// WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, min, max, 0, len).
Bytes word_io(uint16_t min, uint16_t max);
// DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite, 0,
// min, max, 0, len).
Bytes dword_memory(uint32_t min, uint32_t max);
// IO (Decode16, min, max, alignment, length): a fixed range the device itself decodes.
Bytes io(uint16_t min, uint16_t max, uint8_t alignment, uint8_t length);

// Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) { gsi }: the Extended
// Interrupt Descriptor (6.4.3.6) of an ISA device's edge-triggered line.
Bytes edge_interrupt(uint32_t gsi);

}  // namespace env::kvm::acpi::aml

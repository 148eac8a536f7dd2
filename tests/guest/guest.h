/* What the tiny guest's files share: port and memory access, the serial console, PCI
 * configuration reads, the IDT and the APICs. */
#pragma once
#include <stddef.h>
#include <stdint.h>

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint8_t rd8(uint64_t a) { return *(volatile uint8_t*)a; }
static inline uint16_t rd16(uint64_t a) { return *(volatile uint16_t*)a; }
static inline uint32_t rd32(uint64_t a) { return *(volatile uint32_t*)a; }
static inline uint64_t rd64(uint64_t a) { return *(volatile uint64_t*)a; }

static inline void wr8(uint64_t a, uint8_t v) { *(volatile uint8_t*)a = v; }
static inline void wr16(uint64_t a, uint16_t v) { *(volatile uint16_t*)a = v; }
static inline void wr32(uint64_t a, uint32_t v) { *(volatile uint32_t*)a = v; }
static inline void barrier(void) { __asm__ volatile("mfence" ::: "memory"); }

#define LAPIC 0xFEE00000ull
#define IOAPIC 0xFEC00000ull

void putc_(char c);
void puts_(const char* s);
void putdec(uint64_t v);
void puthex(uint64_t v, int digits);
int startswith(const char* s, const char* p);
int cmdline_get(const char* cl, const char* key, char* out, size_t outn);
void delay(unsigned n);
uint32_t pci_read(unsigned dev, unsigned off);

struct idt_gate { uint16_t off0, sel; uint8_t ist, type; uint16_t off1; uint32_t off2, zero; };
extern struct idt_gate idt[256];
void set_gate(int v, void* fn, uint16_t cs);
void ioapic_write(uint32_t reg, uint32_t v);

/* virtio.c: drives every virtio-pci device found; irq_mode "msix" or "intx". */
void virtio_tests(const char* cmdline);

/* The tiny guest: a freestanding program that boots under env-vmm (or QEMU's microvm) by the
 * Linux boot protocol or PVH, checks what the VMM handed it, and drives the legacy devices
 * the way Linux's drivers do, printing one line per check on COM1. The integration tests
 * assert this transcript line by line.
 *
 * Command line options (all optional):
 *   guest.mode=reset|poweroff|garbage|idle|irq|halt|virtio  what to do after the checks (default
 *              reset; virtio drives every virtio-pci device (virtio.c), then powers off)
 *   virtio.irq=msix|intx  how the virtio devices interrupt (default msix)
 *   virtio.break=1        virtio-rng: break the queue first, expect DEVICE_NEEDS_RESET, reset
 *   virtio.then=idle      after the virtio tests, idle (for the control socket) instead of powering off
 */

#include "guest.h"

/* ---- COM1, polled (16550: LSR bit 5 = THR empty) ---- */
#define COM1 0x3F8
static void serial_init(void) {
    outb(COM1 + 1, 0x00);  /* no interrupts */
    outb(COM1 + 3, 0x80);  /* DLAB */
    outb(COM1 + 0, 0x01);  /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);  /* 8N1 */
    outb(COM1 + 2, 0x07);  /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);  /* DTR, RTS; not loopback */
}
void putc_(char c) {
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); ++i) {}
    outb(COM1, (uint8_t)c);
}
void puts_(const char* s) { while (*s) putc_(*s++); }
static void putn(const char* s, size_t n) { for (size_t i = 0; i < n && s[i]; ++i) putc_(s[i]); }
void putdec(uint64_t v) {
    char b[24]; int n = 0;
    do { b[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) putc_(b[--n]);
}
void puthex(uint64_t v, int digits) {
    for (int i = digits - 1; i >= 0; --i) putc_("0123456789abcdef"[(v >> (4 * i)) & 0xF]);
}
static void put2(unsigned v) { putc_((char)('0' + v / 10 % 10)); putc_((char)('0' + v % 10)); }

/* ---- helpers ---- */
static size_t strlen_(const char* s) { size_t n = 0; while (s[n]) ++n; return n; }
int startswith(const char* s, const char* p) { while (*p) if (*s++ != *p++) return 0; return 1; }
/* Finds "key=" in the command line and copies the value. */
int cmdline_get(const char* cl, const char* key, char* out, size_t outn) {
    size_t kl = strlen_(key);
    for (const char* p = cl; p && *p; ++p) {
        if ((p == cl || p[-1] == ' ') && startswith(p, key) && p[kl] == '=') {
            size_t i = 0;
            for (p += kl + 1; *p && *p != ' ' && i + 1 < outn; ++p) out[i++] = *p;
            out[i] = 0;
            return 1;
        }
    }
    return 0;
}
static uint32_t fnv1a(const uint8_t* p, uint64_t n) {
    uint32_t h = 2166136261u;
    for (uint64_t i = 0; i < n; ++i) { h ^= p[i]; h *= 16777619u; }
    return h;
}
static uint8_t sum8(uint64_t a, uint32_t n) { uint8_t s = 0; for (uint32_t i = 0; i < n; ++i) s += rd8(a + i); return s; }

/* ---- boot information, from boot_params or PVH's hvm_start_info ---- */
struct bootinfo {
    const char* cmdline;
    uint64_t initrd, initrd_size;
    unsigned e820_n;
    uint64_t ram;  /* bytes of type-1 memory */
    uint64_t rsdp;
};

static void from_boot_params(uint64_t bp, struct bootinfo* b) {
    /* Offsets: Documentation/arch/x86/zero-page.rst and boot.rst. */
    b->cmdline = (const char*)(uint64_t)(rd32(bp + 0x228) | (uint64_t)rd32(bp + 0xC8) << 32);
    b->initrd = rd32(bp + 0x218) | (uint64_t)rd32(bp + 0xC0) << 32;
    b->initrd_size = rd32(bp + 0x21C) | (uint64_t)rd32(bp + 0xC4) << 32;
    b->e820_n = rd8(bp + 0x1E8);
    for (unsigned i = 0; i < b->e820_n && i < 128; ++i) {
        uint64_t e = bp + 0x2D0 + 20 * i;
        if (rd32(e + 16) == 1) b->ram += rd64(e + 8);
    }
    b->rsdp = rd64(bp + 0x70);
}

static void from_pvh(uint64_t si, struct bootinfo* b) {
    /* struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h). */
    b->cmdline = (const char*)rd64(si + 24);
    if (rd32(si + 12) >= 1) {
        uint64_t mod = rd64(si + 16);
        b->initrd = rd64(mod);
        b->initrd_size = rd64(mod + 8);
    }
    uint64_t mm = rd64(si + 40);
    b->e820_n = rd32(si + 48);
    for (unsigned i = 0; i < b->e820_n && i < 128; ++i)
        if (rd32(mm + 24 * i + 16) == 1) b->ram += rd64(mm + 24 * i + 8);
    b->rsdp = rd64(si + 32);
}

/* ---- RTC (MC146818): wait out an update, read BCD or binary ---- */
static uint8_t cmos(uint8_t reg) { outb(0x70, reg); return inb(0x71); }
static void check_rtc(void) {
    for (int i = 0; i < 100000 && (cmos(0x0A) & 0x80); ++i) {}
    uint8_t s = cmos(0), mi = cmos(2), h = cmos(4), d = cmos(7), mo = cmos(8), y = cmos(9), c = cmos(0x32);
    if (!(cmos(0x0B) & 0x04)) {  /* BCD */
#define BCD(x) x = (uint8_t)(((x) >> 4) * 10 + ((x) & 0xF))
        BCD(s); BCD(mi); BCD(h); BCD(d); BCD(mo); BCD(y); BCD(c);
    }
    puts_("rtc: "); putdec(c * 100u + y); putc_('-'); put2(mo); putc_('-'); put2(d);
    putc_(' '); put2(h); putc_(':'); put2(mi); putc_(':'); put2(s); putc_('\n');
}

/* ---- PCI configuration mechanism #1 ---- */
uint32_t pci_read(unsigned dev, unsigned off) {
    outl(0xCF8, 0x80000000u | (dev << 11) | (off & 0xFC));
    return inl(0xCFC);
}
static void check_pci(void) {
    unsigned found = 0;
    for (unsigned dev = 0; dev < 32; ++dev) {
        uint32_t id = pci_read(dev, 0);
        if ((id & 0xFFFF) == 0xFFFF) continue;
        uint32_t cls = pci_read(dev, 8) >> 8;
        puts_("pci: 00:"); puthex(dev, 2); puts_(".0 "); puthex(id & 0xFFFF, 4); putc_(':');
        puthex(id >> 16, 4); puts_(" class "); puthex(cls, 6); putc_('\n');
        ++found;
    }
    /* A byte read of the vendor ID through 0xCFC + offset, as Linux's conf1 does. */
    outl(0xCF8, 0x80000000u);
    uint8_t lo = inb(0xCFC), hi = inb(0xCFD);
    puts_("pci: "); putdec(found); puts_(" device(s), vendor bytes "); puthex(lo, 2); putc_(' '); puthex(hi, 2); putc_('\n');
}

/* ---- MP table (MP spec 1.4): find "_MP_" in the BIOS area and walk it ---- */
static void check_mptable(void) {
    uint64_t fp = 0;
    for (uint64_t a = 0xF0000; a < 0x100000; a += 16)
        if (rd32(a) == 0x5F504D5F /* "_MP_" */ && sum8(a, 16) == 0) { fp = a; break; }
    if (!fp) { puts_("mptable: not found\n"); return; }
    uint64_t t = rd32(fp + 4);
    if (rd32(t) != 0x504D4350 /* "PCMP" */ || sum8(t, rd16(t + 4)) != 0) { puts_("mptable: bad table\n"); return; }
    unsigned n = rd16(t + 34), cpus = 0, buses = 0, ioapics = 0, ints = 0, lints = 0, bsp = 0, ioapic_id = 0;
    uint64_t e = t + 44;
    for (unsigned i = 0; i < n; ++i) {
        switch (rd8(e)) {
            case 0: ++cpus; if (rd8(e + 3) & 2) bsp = rd8(e + 1); e += 20; break;
            case 1: ++buses; e += 8; break;
            case 2: ++ioapics; ioapic_id = rd8(e + 1); e += 8; break;
            case 3: ++ints; e += 8; break;
            case 4: ++lints; e += 8; break;
            default: puts_("mptable: unknown entry\n"); return;
        }
    }
    puts_("mptable: cpus="); putdec(cpus); puts_(" bsp="); putdec(bsp); puts_(" buses="); putdec(buses);
    puts_(" ioapic="); putdec(ioapics); puts_(" id="); putdec(ioapic_id); puts_(" irqs="); putdec(ints);
    puts_(" lints="); putdec(lints); puts_(" lapic=0x"); puthex(rd32(t + 36), 8); putc_('\n');
}

/* ---- ACPI: RSDP -> XSDT -> FADT: the sleep control register for poweroff ---- */
static uint64_t acpi_sleep_port(uint64_t rsdp) {
    if (!rsdp || rd64(rsdp) != 0x2052545020445352ull /* "RSD PTR " */ || sum8(rsdp, 20) != 0) return 0;
    uint64_t x = rd64(rsdp + 24);
    if (rd32(x) != 0x54445358 /* XSDT */ || sum8(x, rd32(x + 4)) != 0) return 0;
    for (uint32_t off = 36; off < rd32(x + 4); off += 8) {
        uint64_t f = rd64(x + off);
        if (rd32(f) == 0x50434146 /* FACP */ && sum8(f, rd32(f + 4)) == 0 && rd32(f + 4) >= 268)
            return rd64(f + 244 + 4);  /* SLEEP_CONTROL_REG.Address */
    }
    return 0;
}

/* ---- i8042 ---- */
static void i8042_reset(void) {
    for (int i = 0; i < 100000 && (inb(0x64) & 0x02); ++i) {}
    outb(0x64, 0xFE);  /* pulse the reset line */
}

void delay(unsigned n) { for (volatile unsigned i = 0; i < n; ++i) {} }

/* Waits for console input lines and for Ctrl-Alt-Del from the keyboard. */
static void idle(void) {
    char line[64];
    unsigned n = 0, cad = 0;
    puts_("idle: ready\n");
    for (;;) {
        if (inb(COM1 + 5) & 0x01) {
            char c = (char)inb(COM1);
            if (c == '\r' || c == '\n') {
                line[n] = 0;
                puts_("echo: "); puts_(line); putc_('\n');
                if (n == 5 && startswith(line, "reset")) { puts_("tiny-guest: resetting\n"); i8042_reset(); }
                n = 0;
            } else if (n + 1 < sizeof line) {
                line[n++] = c;
            }
        }
        if (inb(0x64) & 0x01) {
            uint8_t sc = inb(0x60);
            /* Ctrl (1D), Alt (38), Delete (E0 53) make codes in order. */
            if (sc == 0x1D) cad = 1;
            else if (sc == 0x38 && cad == 1) cad = 2;
            else if (sc == 0xE0 && cad == 2) cad = 3;
            else if (sc == 0x53 && cad == 3) {
                puts_("kbd: ctrl-alt-del, resetting\n");
                i8042_reset();
            }
        }
        delay(200);
    }
}

/* Writes patterns to every I/O port except the two documented ways to end the machine
 * (i8042 0x60-0x64, the power window at 0x600), and pokes unmapped MMIO. */
static void garbage(void) {
    uint32_t x = 0x12345678;
    for (uint32_t port = 0; port < 0x10000; ++port) {
        if ((port >= 0x60 && port <= 0x64) || (port >= 0x600 && port < 0x604)) continue;
        x = x * 1103515245u + 12345u;
        switch (port & 3) {
            case 0: outl((uint16_t)port, x); (void)inl((uint16_t)port); break;
            case 1: outb((uint16_t)port, (uint8_t)x); (void)inb((uint16_t)port); break;
            case 2: outw((uint16_t)port, (uint16_t)x); (void)inw((uint16_t)port); break;
            default: outb((uint16_t)port, (uint8_t)(x >> 8)); break;
        }
    }
    for (uint64_t a = 0xC0000000; a < 0xFEC00000; a += 0x1000000) {
        *(volatile uint32_t*)a = 0xDEADBEEF;
        (void)*(volatile uint32_t*)(a + 4);
    }
    serial_init();  /* we scribbled over the UART too */
    puts_("garbage: done, still alive\n");
}

/* ---- interrupts: COM1's IRQ 4 through the IOAPIC (as the MP table routes it) ---- */
struct idt_gate idt[256];
extern char irq_serial_entry[], irq_ignore_entry[];
#define SERIAL_VECTOR 0x24
static volatile char rx_line[64];
static volatile unsigned rx_len, rx_done, rx_irqs;

void set_gate(int v, void* fn, uint16_t cs) {
    uint64_t a = (uint64_t)fn;
    idt[v] = (struct idt_gate){(uint16_t)a, cs, 0, 0x8E, (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0};
}
void ioapic_write(uint32_t reg, uint32_t v) {
    *(volatile uint32_t*)IOAPIC = reg;
    *(volatile uint32_t*)(IOAPIC + 0x10) = v;
}
void serial_irq(void) {
    ++rx_irqs;
    while (inb(COM1 + 5) & 0x01) {  /* drain the FIFO: one interrupt may cover many bytes */
        char c = (char)inb(COM1);
        if (c == '\n' || c == '\r') rx_done = 1;
        else if (rx_len + 1 < sizeof rx_line) rx_line[rx_len++] = c;
    }
    *(volatile uint32_t*)(LAPIC + 0xB0) = 0;  /* EOI */
}
static void irq_test(void) {
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    for (int v = 0; v < 256; ++v) set_gate(v, irq_ignore_entry, cs);
    set_gate(SERIAL_VECTOR, irq_serial_entry, cs);
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
    outb(0x21, 0xFF);  /* mask the 8259s: interrupts come through the IOAPIC */
    outb(0xA1, 0xFF);
    *(volatile uint32_t*)(LAPIC + 0x80) = 0;      /* TPR: accept everything */
    *(volatile uint32_t*)(LAPIC + 0xF0) = 0x1FF;  /* SVR: APIC on, spurious vector 0xFF */
    /* Redirection entry for ISA IRQ 4 (MP table: pin 4): fixed, physical, edge, high, to APIC 0. */
    ioapic_write(0x10 + 2 * 4 + 1, 0);
    ioapic_write(0x10 + 2 * 4, SERIAL_VECTOR);
    outb(COM1 + 1, 0x01);  /* IER: received data available */
    outb(COM1 + 4, 0x0B);  /* MCR: DTR, RTS, OUT2 (the PC's interrupt gate) */
    puts_("irq: waiting\n");
    while (!rx_done) __asm__ volatile("sti; hlt; cli");
    rx_line[rx_len] = 0;
    puts_("irq: serial rx '"); puts_((const char*)rx_line); puts_("' in ");
    putdec(rx_irqs); puts_(" interrupt(s) on vector 0x24\n");
}

void guest_main(uint64_t boot_params, uint64_t pvh_start_info) {
    serial_init();
    struct bootinfo b = {0};
    if (boot_params) {
        from_boot_params(boot_params, &b);
        puts_("tiny-guest: hello (linux boot protocol)\n");
    } else {
        from_pvh(pvh_start_info, &b);
        puts_("tiny-guest: hello (pvh)\n");
    }
    puts_("cmdline: "); putn(b.cmdline, 2048); putc_('\n');
    puts_("e820: "); putdec(b.e820_n); puts_(" entries, ram="); putdec(b.ram >> 10); puts_(" KiB\n");
    if (b.initrd_size) {
        puts_("initrd: size="); putdec(b.initrd_size); puts_(" fnv=");
        puthex(fnv1a((const uint8_t*)b.initrd, b.initrd_size), 8); putc_('\n');
    } else {
        puts_("initrd: none\n");
    }
    check_rtc();
    check_pci();
    check_mptable();
    uint64_t sleep_port = acpi_sleep_port(b.rsdp);
    puts_("acpi: sleep control port 0x"); puthex(sleep_port, 4); putc_('\n');

    char mode[16] = "reset";
    cmdline_get(b.cmdline, "guest.mode", mode, sizeof mode);
    if (startswith(mode, "garbage")) garbage();
    if (startswith(mode, "idle")) idle();
    if (startswith(mode, "irq")) irq_test();
    if (startswith(mode, "virtio")) {
        virtio_tests(b.cmdline);
        char then[8] = "power";
        cmdline_get(b.cmdline, "virtio.then", then, sizeof then);
        if (startswith(then, "idle")) idle();
        mode[0] = 'p', mode[1] = 'o', mode[2] = 'w', mode[3] = 'e', mode[4] = 'r', mode[5] = 0;
    }
    if (startswith(mode, "halt")) { puts_("tiny-guest: halting\n"); for (;;) __asm__ volatile("cli; hlt"); }
    if (startswith(mode, "power") && sleep_port) {
        puts_("tiny-guest: powering off\n");
        outb((uint16_t)sleep_port, (5 << 2) | 0x20);  /* SLP_TYP=S5, SLP_EN (ACPI 4.8.3.7) */
    }
    puts_("tiny-guest: resetting\n");
    i8042_reset();
    for (;;) __asm__ volatile("cli; hlt");
}

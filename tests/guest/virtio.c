/* virtio-pci drivers for the tiny guest, in the order Linux's virtio core uses (reset,
 * ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queue setup, DRIVER_OK), on split
 * virtqueues with interrupts by MSI-X (default) or INTx (virtio.irq=intx). One line per
 * step on COM1; the integration tests assert them. Only what the tests need: one request
 * in flight per queue, no EVENT_IDX, no indirect descriptors. */
#include "guest.h"
#include "virtio.h"

#define INTX_VECTOR 0x30
#define MSIX_VECTOR 0x40 /* + MSI-X table entry */

extern char irq_ignore_entry[], irq_virtio_0x30[], irq_virtio_0x40[], irq_virtio_0x41[], irq_virtio_0x42[], irq_virtio_0x43[];
static volatile unsigned irqs, last_vector;
static volatile uint64_t isr_addr; /* INTx: the ISR register to read (and so lower the line) */
static int use_msix = 1;

/* ---- PCI configuration writes (mechanism #1) ---- */
static void pci_addr(unsigned dev, unsigned off) { outl(0xCF8, 0x80000000u | (dev << 11) | (off & 0xFC)); }
static void pci_write16(unsigned dev, unsigned off, uint16_t v) { pci_addr(dev, off); outw(0xCFC + (off & 2), v); }
static uint8_t pci_read8(unsigned dev, unsigned off) { return (uint8_t)(pci_read(dev, off) >> (8 * (off & 3))); }

void virtio_irq(uint64_t vector) {
    ++irqs;
    last_vector = (unsigned)vector;
    if (isr_addr) (void)rd8(isr_addr);
    wr32(LAPIC + 0xB0, 0); /* EOI */
}

static void irq_setup(void) {
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    for (int v = 0; v < 256; ++v) set_gate(v, irq_ignore_entry, cs);
    set_gate(0x30, irq_virtio_0x30, cs);
    set_gate(0x40, irq_virtio_0x40, cs);
    set_gate(0x41, irq_virtio_0x41, cs);
    set_gate(0x42, irq_virtio_0x42, cs);
    set_gate(0x43, irq_virtio_0x43, cs);
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    wr32(LAPIC + 0x80, 0);
    wr32(LAPIC + 0xF0, 0x1FF);
}

/* ---- probing: capabilities -> BAR addresses (virtio 1.2 §4.1.4) ---- */
int virtio_probe(unsigned slot, struct vdev* d) {
    d->slot = slot;
    uint64_t bar = pci_read(slot, 0x10) & ~0xFull;
    pci_write16(slot, 0x04, use_msix ? 0x406 : 0x006); /* memory, bus master; INTx off with MSI-X */
    for (unsigned p = pci_read8(slot, 0x34); p; p = pci_read8(slot, p + 1)) {
        uint8_t id = pci_read8(slot, p);
        if (id == 0x11) {
            d->msix_cap = p;
            d->msix_table = bar + (pci_read(slot, p + 4) & ~7u);
        } else if (id == 0x09) {
            uint64_t at = bar + pci_read(slot, p + 8);
            switch (pci_read8(slot, p + 3)) {
                case 1: d->common = at; break;
                case 2: d->notify = at; d->mult = pci_read(slot, p + 16); break;
                case 3: d->isr = at; break;
                case 4: d->device = at; break;
            }
        }
    }
    d->irq_line = pci_read8(slot, 0x3C);
    return d->common && d->notify && d->isr;
}

/* ---- initialisation, Linux's order ---- */
#define ST_ACK 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8
static uint8_t ring_mem[4][4096] __attribute__((aligned(4096)));
static unsigned rings_used;

int virtio_init(struct vdev* d, uint64_t want, unsigned nq) {
    uint64_t c = d->common;
    wr8(c + 0x14, 0);
    while (rd8(c + 0x14)) {}
    wr8(c + 0x14, ST_ACK);
    wr8(c + 0x14, ST_ACK | ST_DRIVER);
    wr32(c + 0x00, 0);
    uint64_t offer = rd32(c + 0x04);
    wr32(c + 0x00, 1);
    offer |= (uint64_t)rd32(c + 0x04) << 32;
    d->features = offer & (want | VIRTIO_F_VERSION_1);
    wr32(c + 0x08, 0);
    wr32(c + 0x0C, (uint32_t)d->features);
    wr32(c + 0x08, 1);
    wr32(c + 0x0C, (uint32_t)(d->features >> 32));
    wr8(c + 0x14, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
    if (!(rd8(c + 0x14) & ST_FEATURES_OK)) { puts_("virtio: FEATURES_OK refused\n"); return 0; }
    if (use_msix) {
        /* Entries 0 (config) .. nq: vector MSIX_VECTOR + entry to APIC 0; then enable. */
        for (unsigned e = 0; e <= nq; ++e) {
            uint64_t t = d->msix_table + 16 * e;
            wr32(t, 0xFEE00000u);
            wr32(t + 4, 0);
            wr32(t + 8, MSIX_VECTOR + e);
            wr32(t + 12, 0);
        }
        pci_write16(d->slot, d->msix_cap + 2, 0x8000);
        wr16(c + 0x10, 0);
        if (rd16(c + 0x10) != 0) { puts_("virtio: config vector refused\n"); return 0; }
        isr_addr = 0;
    } else {
        /* The slot's INTx pin, level-triggered and active low as the MP table says. */
        ioapic_write(0x10 + 2 * d->irq_line + 1, 0);
        ioapic_write(0x10 + 2 * d->irq_line, INTX_VECTOR | (1u << 13) | (1u << 15));
        isr_addr = d->isr;
    }
    d->nq = nq;
    for (unsigned q = 0; q < nq; ++q) {
        struct vq* v = &d->q[q];
        wr16(c + 0x16, (uint16_t)q);
        uint16_t max = rd16(c + 0x18);
        v->size = max < VQ_SIZE ? max : VQ_SIZE;
        wr16(c + 0x18, v->size);
        uint8_t* m = ring_mem[rings_used++ % 4];
        for (unsigned i = 0; i < 4096; ++i) m[i] = 0;
        v->desc = (struct vq_desc*)m;
        v->avail = (volatile struct vq_avail*)(m + 0x400);
        v->used = (volatile struct vq_used*)(m + 0x800);
        v->idx = v->last_used = 0;
        v->index = (uint16_t)q;
        v->notify_addr = d->notify + (uint64_t)rd16(c + 0x1E) * d->mult;
        if (use_msix) {
            wr16(c + 0x1A, (uint16_t)(q + 1));
            if (rd16(c + 0x1A) != q + 1) { puts_("virtio: queue vector refused\n"); return 0; }
        }
        wr32(c + 0x20, (uint32_t)(uint64_t)v->desc);
        wr32(c + 0x24, 0);
        wr32(c + 0x28, (uint32_t)(uint64_t)v->avail);
        wr32(c + 0x2C, 0);
        wr32(c + 0x30, (uint32_t)(uint64_t)v->used);
        wr32(c + 0x34, 0);
        wr16(c + 0x1C, 1);
    }
    wr8(c + 0x14, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
    puts_(" ready (");
    puts_(use_msix ? "msix" : "intx");
    puts_(")");
    return 1;
}

/* Posts a chain of n buffers (writable ones after the readable ones) without waiting. */
void vq_post(struct vq* v, const struct vq_buf* b, unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
        v->desc[i].addr = (uint64_t)b[i].addr;
        v->desc[i].len = b[i].len;
        v->desc[i].flags = (uint16_t)((i + 1 < n ? 1 : 0) | (b[i].writable ? 2 : 0));
        v->desc[i].next = (uint16_t)(i + 1);
    }
    v->avail->ring[v->idx % v->size] = 0;
    barrier();
    v->avail->idx = ++v->idx;
    barrier();
    v->irqs_at_post = irqs;
    wr16(v->notify_addr, v->index); /* §4.1.5.2: the queue's index */
}

/* Waits (halting until interrupts) for the used ring to move and an interrupt to arrive
 * (polling alone would not prove the interrupt path); returns the used length. */
uint32_t vq_wait(struct vq* v) {
    while (v->used->idx == v->last_used || irqs == v->irqs_at_post) __asm__ volatile("sti; hlt; cli");
    uint32_t len = v->used->ring[v->last_used % v->size].len;
    ++v->last_used;
    return len;
}

uint32_t vq_submit(struct vq* v, const struct vq_buf* b, unsigned n) {
    vq_post(v, b, n);
    return vq_wait(v);
}

void virtio_report_irq(unsigned before) {
    puts_(", "); putdec(irqs - before); puts_(" interrupt(s), last vector 0x"); puthex(last_vector, 2);
}
unsigned virtio_irq_count(void) { return irqs; }

/* ---- the devices ---- */
/* virtio.break=1: make the queue malformed (a head index beyond the ring) and expect
 * DEVICE_NEEDS_RESET with a configuration interrupt; then reset and start again. */
static int rng_break(struct vdev* d) {
    struct vq* v = &d->q[0];
    unsigned before = irqs;
    v->avail->ring[v->idx % v->size] = 200;
    barrier();
    v->avail->idx = ++v->idx;
    barrier();
    wr16(v->notify_addr, v->index);
    while (!(rd8(d->common + 0x14) & 0x40) || irqs == before) __asm__ volatile("sti; hlt; cli");
    puts_("virtio-rng: needs reset, status 0x"); puthex(rd8(d->common + 0x14), 2);
    puts_(", interrupt vector 0x"); puthex(last_vector, 2); putc_('\n');
    puts_("virtio-rng: 00:"); puthex(d->slot, 2); puts_(".0");
    return virtio_init(d, 0, 1);
}

static void rng_test(struct vdev* d, const char* cmdline) {
    static uint8_t buf[32];
    char brk[4] = "0";
    cmdline_get(cmdline, "virtio.break", brk, sizeof brk);
    puts_("virtio-rng: 00:"); puthex(d->slot, 2); puts_(".0");
    if (!virtio_init(d, 0, 1)) return;
    putc_('\n');
    if (brk[0] == '1') {
        if (!rng_break(d)) return;
        putc_('\n');
    }
    unsigned before = irqs;
    struct vq_buf b = {buf, sizeof buf, 1};
    uint32_t n = vq_submit(&d->q[0], &b, 1);
    unsigned distinct = 0;
    for (unsigned i = 0; i < 256; ++i) {
        for (unsigned j = 0; j < n && j < sizeof buf; ++j)
            if (buf[j] == i) { ++distinct; break; }
    }
    puts_("virtio-rng: "); putdec(n); puts_(" bytes, "); putdec(distinct); puts_(" distinct values");
    virtio_report_irq(before);
    putc_('\n');
}

void virtio_tests(const char* cmdline) {
    char mode[8] = "msix";
    cmdline_get(cmdline, "virtio.irq", mode, sizeof mode);
    use_msix = !startswith(mode, "intx");
    irq_setup();
    for (unsigned slot = 1; slot < 32; ++slot) {
        uint32_t id = pci_read(slot, 0);
        if ((id & 0xFFFF) != 0x1AF4) continue;
        struct vdev d = {0};
        if (!virtio_probe(slot, &d)) { puts_("virtio: incomplete capabilities\n"); continue; }
        switch (id >> 16) {
            case 0x1044: rng_test(&d, cmdline); break;
            case 0x1042: virtio_blk_test(&d, cmdline); break;
            case 0x1041: virtio_net_test(&d, cmdline); break;
        }
        wr8(d.common + 0x14, 0); /* reset: the device stops using our rings */
    }
    puts_("virtio: done\n");
}

/* The tiny guest's virtio-pci core (virtio.c), shared by its device tests. */
#pragma once
#include <stdint.h>

#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VQ_SIZE 8

struct vq_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct vq_avail { uint16_t flags, idx, ring[VQ_SIZE], used_event; };
struct vq_used_elem { uint32_t id, len; };
struct vq_used { uint16_t flags, idx; struct vq_used_elem ring[VQ_SIZE]; uint16_t avail_event; };

struct vq {
    uint16_t size, idx, last_used, index;
    unsigned irqs_at_post;
    uint64_t notify_addr;
    struct vq_desc* desc;
    volatile struct vq_avail* avail;
    volatile struct vq_used* used;
};

struct vdev {
    unsigned slot, msix_cap, nq;
    uint8_t irq_line;
    uint32_t mult;
    uint64_t common, notify, isr, device, msix_table, features;
    struct vq q[3];
};

struct vq_buf { void* addr; uint32_t len; int writable; };

int virtio_init(struct vdev* d, uint64_t want, unsigned nq); /* prints " ready (msix|intx)" */
void vq_post(struct vq* v, const struct vq_buf* b, unsigned n);
uint32_t vq_wait(struct vq* v);
uint32_t vq_submit(struct vq* v, const struct vq_buf* b, unsigned n);
void virtio_report_irq(unsigned before);
unsigned virtio_irq_count(void);

void virtio_blk_test(struct vdev* d, const char* cmdline);
void virtio_net_test(struct vdev* d, const char* cmdline);

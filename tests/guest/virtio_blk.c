/* virtio-blk (virtio 1.2 §5.2): writes a pattern to sector 1, reads it back into another
 * buffer and compares; the host test then finds the pattern in the image file. */
#include "guest.h"
#include "virtio.h"

#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1

struct blk_req { uint32_t type, reserved; uint64_t sector; };

static uint8_t blk_io(struct vdev* d, uint32_t type, uint64_t sector, uint8_t* data) {
    static struct blk_req req;
    static volatile uint8_t status;
    req.type = type;
    req.reserved = 0;
    req.sector = sector;
    status = 0xFF;
    struct vq_buf b[3] = {{&req, sizeof req, 0}, {data, 512, type == VIRTIO_BLK_T_IN}, {(void*)&status, 1, 1}};
    vq_submit(&d->q[0], b, 3);
    return status;
}

void virtio_blk_test(struct vdev* d, const char* cmdline) {
    static uint8_t out[512], in[512];
    (void)cmdline;
    puts_("virtio-blk: 00:"); puthex(d->slot, 2); puts_(".0");
    if (!virtio_init(d, VIRTIO_BLK_F_RO, 1)) return;
    puts_(" capacity "); putdec(rd64(d->device)); puts_(" sectors");
    if (d->features & VIRTIO_BLK_F_RO) puts_(" read-only");
    putc_('\n');
    const char* text = "tiny-guest virtio-blk pattern ";
    for (unsigned i = 0; i < 512; ++i) out[i] = (uint8_t)text[i % 30];
    unsigned before = virtio_irq_count();
    uint8_t ws = blk_io(d, VIRTIO_BLK_T_OUT, 1, out);
    uint8_t rs = blk_io(d, VIRTIO_BLK_T_IN, 1, in);
    unsigned same = 1;
    for (unsigned i = 0; i < 512; ++i) same &= in[i] == out[i];
    puts_("virtio-blk: write status "); putdec(ws); puts_(", read status "); putdec(rs);
    puts_(same ? ", read back matches" : ", read back DIFFERS");
    virtio_report_irq(before);
    putc_('\n');
}

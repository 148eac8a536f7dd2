/* virtio-net (virtio 1.2 §5.1) and just enough of a network stack for the tests: a DHCP
 * lease (DISCOVER, OFFER, REQUEST, ACK), ARP both ways (the gateway's address; answers
 * for our own), an ICMP echo to the gateway, and one TCP connection accepted on net.port (default 8080): the guest
 * reads a line from the host, answers "guest got: <line>" and closes, then waits for the
 * host's close. No
 * retransmission, no reassembly, no timers: libslirp or a tap on the same host loses
 * nothing. net.ip=A.B.C.D net.gw=A.B.C.D skip DHCP (a tap has no DHCP server). */
#include "guest.h"
#include "virtio.h"

#define VIRTIO_NET_F_MAC (1ull << 5)
#define HDR 12 /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define RXBUFS VQ_SIZE
#define ETH_IP 0x0800
#define ETH_ARP 0x0806

static struct vdev* nd;
static uint8_t mac[6], gw_mac[6];
static uint32_t my_ip, gw_ip, server_ip; /* host byte order */
static uint8_t rx_buf[RXBUFS][2048] __attribute__((aligned(16)));
static uint8_t tx_buf[2048] __attribute__((aligned(16)));

static uint16_t be16(const uint8_t* p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t* p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void put16(uint8_t* p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t* p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }
static void copy(void* d, const void* s, unsigned n) { for (unsigned i = 0; i < n; ++i) ((uint8_t*)d)[i] = ((const uint8_t*)s)[i]; }
static void zero(void* d, unsigned n) { for (unsigned i = 0; i < n; ++i) ((uint8_t*)d)[i] = 0; }
static void putip(uint32_t ip) {
    for (int i = 3; i >= 0; --i) { putdec((ip >> (8 * i)) & 0xFF); if (i) putc_('.'); }
}
static uint32_t parse_ip(const char* s) {
    uint32_t ip = 0, part = 0;
    for (;; ++s) {
        if (*s >= '0' && *s <= '9') { part = part * 10 + (uint32_t)(*s - '0'); continue; }
        ip = ip << 8 | (part & 0xFF);
        part = 0;
        if (*s != '.') return ip;
    }
}
static uint32_t csum_add(uint32_t sum, const uint8_t* p, unsigned n) {
    for (unsigned i = 0; i + 1 < n; i += 2) sum += be16(p + i);
    if (n & 1) sum += (uint32_t)p[n - 1] << 8;
    return sum;
}
static uint16_t csum_fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

/* ---- the rings: queue 0 receives (every buffer posted), queue 1 transmits (one at a time) ---- */
static void rx_give(unsigned i) {
    struct vq* v = &nd->q[0];
    v->desc[i].addr = (uint64_t)rx_buf[i];
    v->desc[i].len = sizeof rx_buf[i];
    v->desc[i].flags = 2; /* device-writable */
    v->avail->ring[v->idx % v->size] = (uint16_t)i;
    barrier();
    v->avail->idx = ++v->idx;
    barrier();
}
/* The next received frame (without the virtio header) or 0; rx_done() gives the buffer back. */
static uint8_t* rx_next(uint32_t* len, unsigned* id) {
    struct vq* v = &nd->q[0];
    if (v->used->idx == v->last_used) return 0;
    *id = v->used->ring[v->last_used % v->size].id;
    *len = v->used->ring[v->last_used % v->size].len - HDR;
    ++v->last_used;
    return rx_buf[*id] + HDR;
}
static void rx_done(unsigned id) {
    rx_give(id);
    wr16(nd->q[0].notify_addr, 0);
}
static void tx(unsigned len) {
    zero(tx_buf, HDR);
    struct vq_buf b = {tx_buf, HDR + len, 0};
    vq_submit(&nd->q[1], &b, 1);
}

/* ---- frame builders: each returns the payload pointer inside tx_buf ---- */
static uint8_t* eth(const uint8_t* dst, uint16_t type) {
    uint8_t* e = tx_buf + HDR;
    copy(e, dst, 6);
    copy(e + 6, mac, 6);
    put16(e + 12, type);
    return e + 14;
}
static uint8_t* ip(const uint8_t* dst_mac, uint32_t src, uint32_t dst, uint8_t proto, unsigned payload) {
    uint8_t* h = eth(dst_mac, ETH_IP);
    zero(h, 20);
    h[0] = 0x45;
    put16(h + 2, (uint16_t)(20 + payload));
    h[8] = 64;
    h[9] = proto;
    put32(h + 12, src);
    put32(h + 16, dst);
    put16(h + 10, csum_fold(csum_add(0, h, 20)));
    return h + 20;
}
static void send_ip(unsigned payload) { tx(14 + 20 + payload); }

static void arp(uint16_t op, const uint8_t* tha, uint32_t tpa) {
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint8_t* a = eth(op == 1 ? bcast : tha, ETH_ARP);
    put16(a, 1), put16(a + 2, ETH_IP), a[4] = 6, a[5] = 4, put16(a + 6, op);
    copy(a + 8, mac, 6), put32(a + 14, my_ip);
    if (op == 1) zero(a + 18, 6); else copy(a + 18, tha, 6);
    put32(a + 24, tpa);
    tx(14 + 28);
}

/* ---- DHCP (RFC 2131) over UDP 68 -> 67 ---- */
#define XID 0x7e57c0deu
static void dhcp_send(uint8_t type) {
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    unsigned n = 240 + 3 + (type == 3 ? 12 : 0) + 1;
    uint8_t* u = ip(bcast, 0, 0xFFFFFFFFu, 17, 8 + n);
    put16(u, 68), put16(u + 2, 67), put16(u + 4, (uint16_t)(8 + n)), put16(u + 6, 0);
    uint8_t* b = u + 8;
    zero(b, n);
    b[0] = 1, b[1] = 1, b[2] = 6;
    put32(b + 4, XID);
    put16(b + 10, 0x8000);
    copy(b + 28, mac, 6);
    put32(b + 236, 0x63825363);
    uint8_t* o = b + 240;
    *o++ = 53, *o++ = 1, *o++ = type;
    if (type == 3) {
        *o++ = 50, *o++ = 4, put32(o, my_ip), o += 4;
        *o++ = 54, *o++ = 4, put32(o, server_ip), o += 4;
    }
    *o = 255;
    send_ip(8 + n);
}

/* ---- TCP: one passive connection ---- */
static uint16_t tcp_port = 8080, peer_port;
static uint32_t peer_ip, snd_nxt, rcv_nxt;
static uint8_t peer_mac[6];
static char line[128];
static unsigned line_len, tcp_state; /* 0 listen, 1 syn-received, 2 established, 3 answered, 4 closed */

static void tcp_send(uint8_t flags, const char* data, unsigned n) {
    uint8_t* t = ip(peer_mac, my_ip, peer_ip, 6, 20 + n);
    zero(t, 20);
    put16(t, tcp_port), put16(t + 2, peer_port), put32(t + 4, snd_nxt), put32(t + 8, rcv_nxt);
    t[12] = 5 << 4, t[13] = flags;
    put16(t + 14, 8192);
    copy(t + 20, data, n);
    uint8_t pseudo[12];
    put32(pseudo, my_ip), put32(pseudo + 4, peer_ip), pseudo[8] = 0, pseudo[9] = 6, put16(pseudo + 10, (uint16_t)(20 + n));
    put16(t + 16, csum_fold(csum_add(csum_add(0, pseudo, 12), t, 20 + n)));
    send_ip(20 + n);
    snd_nxt += n + ((flags & 0x03) ? 1 : 0); /* SYN and FIN take a sequence number */
}

static void tcp_input(const uint8_t* e, const uint8_t* h, unsigned len) {
    const uint8_t* t = h + (h[0] & 0xF) * 4;
    unsigned hl = (t[12] >> 4) * 4, n = len - (unsigned)(t - h) - hl;
    uint8_t flags = t[13];
    if (be16(t + 2) != tcp_port) return;
    if ((flags & 0x02) && tcp_state == 0) { /* SYN */
        copy(peer_mac, e + 6, 6);
        peer_ip = be32(h + 12), peer_port = be16(t);
        rcv_nxt = be32(t + 4) + 1;
        snd_nxt = 0x1000;
        tcp_send(0x12, 0, 0); /* SYN|ACK */
        tcp_state = 1;
        return;
    }
    if (tcp_state == 1 && (flags & 0x10)) tcp_state = 2;
    if (tcp_state == 3 && (flags & 0x01)) { /* the host read our answer and closed too */
        rcv_nxt = be32(t + 4) + n + 1;
        tcp_send(0x10, 0, 0);
        tcp_state = 4;
        return;
    }
    if (tcp_state != 2 || be32(t + 4) != rcv_nxt) return;
    for (unsigned i = 0; i < n; ++i) {
        char c = (char)t[hl + i];
        if (c == '\n') {
            line[line_len] = 0;
            rcv_nxt += n;
            char reply[160] = "guest got: ";
            unsigned r = 11;
            for (unsigned k = 0; k < line_len; ++k) reply[r++] = line[k];
            reply[r++] = '\n';
            tcp_send(0x19, reply, r); /* FIN|PSH|ACK: answer and close our side */
            tcp_state = 3;
            return;
        }
        if (line_len + 1 < sizeof line) line[line_len++] = c;
    }
    rcv_nxt += n;
    if (n) tcp_send(0x10, 0, 0);
}

/* ---- ICMP echo to the gateway (libslirp answers for its own address) ---- */
static const char ping_data[] = "tiny-guest ping";
static unsigned ping_replies;
static void ping(uint16_t seq) {
    unsigned n = 8 + sizeof ping_data;
    uint8_t* m = ip(gw_mac, my_ip, gw_ip, 1, n);
    m[0] = 8, m[1] = 0, put16(m + 2, 0), put16(m + 4, 0x7e57), put16(m + 6, seq);
    copy(m + 8, ping_data, sizeof ping_data);
    put16(m + 2, csum_fold(csum_add(0, m, n)));
    send_ip(n);
}
static void icmp_input(const uint8_t* h, unsigned len) {
    const uint8_t* m = h + (h[0] & 0xF) * 4;
    unsigned n = len - (unsigned)(m - h);
    if (m[0] != 0 || be16(m + 4) != 0x7e57 || n != 8 + sizeof ping_data || csum_fold(csum_add(0, m, n))) return;
    for (unsigned i = 0; i < sizeof ping_data; ++i)
        if (m[8 + i] != (uint8_t)ping_data[i]) return;
    ++ping_replies;
}

/* ---- receive dispatch; returns when `done()` holds ---- */
static unsigned dhcp_type;
static void input(const uint8_t* e, unsigned len) {
    uint16_t type = be16(e + 12);
    const uint8_t* p = e + 14;
    if (type == ETH_ARP && len >= 42) {
        uint16_t op = be16(p + 6);
        if (op == 1 && my_ip && be32(p + 24) == my_ip) arp(2, p + 8, be32(p + 14));
        if (op == 2 && be32(p + 14) == gw_ip) copy(gw_mac, p + 8, 6);
        return;
    }
    if (type != ETH_IP || len < 34) return;
    if (p[9] == 17 && be16(p + 20 + 2) == 68) { /* DHCP reply */
        const uint8_t* b = p + 28;
        if (be32(b + 4) != XID || be32(b + 236) != 0x63825363) return;
        uint32_t yi = be32(b + 16);
        for (const uint8_t* o = b + 240; *o != 255 && o < e + len; o += (*o ? o[1] + 2 : 1)) {
            if (o[0] == 53) dhcp_type = o[2];
            if (o[0] == 54) server_ip = be32(o + 2);
            if (o[0] == 3) gw_ip = be32(o + 2);
        }
        my_ip = yi;
        return;
    }
    if (p[9] == 1 && my_ip && be32(p + 16) == my_ip && be32(p + 12) == gw_ip) icmp_input(p, be16(p + 2));
    if (p[9] == 6 && my_ip && be32(p + 16) == my_ip) tcp_input(e, p, be16(p + 2));
}

static void run_until(int (*done)(void)) {
    while (!done()) {
        uint32_t len;
        unsigned id;
        uint8_t* f = rx_next(&len, &id);
        if (f) {
            input(f, len);
            rx_done(id);
        } else {
            __asm__ volatile("sti; hlt; cli");
        }
    }
}
static int got_offer(void) { return dhcp_type == 2; }
static int got_ack(void) { return dhcp_type == 5; }
static int got_gw_mac(void) { return gw_mac[0] | gw_mac[1] | gw_mac[2] | gw_mac[3] | gw_mac[4] | gw_mac[5]; }
static int tcp_closed(void) { return tcp_state == 4; }
static int got_pong(void) { return ping_replies > 0; }

void virtio_net_test(struct vdev* d, const char* cmdline) {
    char port[8];
    if (cmdline_get(cmdline, "net.port", port, sizeof port)) {
        tcp_port = 0;
        for (char* c = port; *c; ++c) tcp_port = (uint16_t)(tcp_port * 10 + (unsigned)(*c - '0'));
    }
    nd = d;
    puts_("virtio-net: 00:"); puthex(d->slot, 2); puts_(".0");
    if (!virtio_init(d, VIRTIO_NET_F_MAC, 2)) return;
    for (unsigned i = 0; i < 6; ++i) mac[i] = rd8(d->device + i);
    puts_(" mac ");
    for (unsigned i = 0; i < 6; ++i) { puthex(mac[i], 2); if (i < 5) putc_(':'); }
    putc_('\n');
    for (unsigned i = 0; i < RXBUFS; ++i) rx_give(i);
    wr16(d->q[0].notify_addr, 0);

    char addr[16], gw[16];
    if (cmdline_get(cmdline, "net.ip", addr, sizeof addr) && cmdline_get(cmdline, "net.gw", gw, sizeof gw)) {
        /* A tap has no DHCP server: the test gives the addresses. */
        my_ip = parse_ip(addr), gw_ip = parse_ip(gw);
        puts_("virtio-net: static "); putip(my_ip); puts_(", router "); putip(gw_ip); putc_('\n');
    } else {
        dhcp_send(1);
        run_until(got_offer);
        uint32_t offered = my_ip;
        dhcp_send(3);
        run_until(got_ack);
        puts_("virtio-net: dhcp offer "); putip(offered); puts_(", ack "); putip(my_ip);
        puts_(" from "); putip(server_ip); puts_(", router "); putip(gw_ip); putc_('\n');
    }

    arp(1, 0, gw_ip);
    run_until(got_gw_mac);
    puts_("virtio-net: gateway "); putip(gw_ip); puts_(" is at ");
    for (unsigned i = 0; i < 6; ++i) { puthex(gw_mac[i], 2); if (i < 5) putc_(':'); }
    putc_('\n');

    ping(1);
    run_until(got_pong);
    puts_("virtio-net: ping "); putip(gw_ip); puts_(": echo reply with our "); putdec(sizeof ping_data);
    puts_(" bytes\n");

    puts_("virtio-net: listening on tcp port "); putdec(tcp_port); putc_('\n');
    run_until(tcp_closed);
    puts_("virtio-net: tcp from "); putip(peer_ip); puts_(" said '"); puts_(line); puts_("', answered and closed\n");
}

// libslirp (and glib, pcre2 beneath it), loaded on first use (util/lazy_library.h). Every
// container supervisor runs a NAT, but an env-vmm only with a NAT NIC: linked normally they
// added about 0.8 MiB of resident pages and their relocations to every VM's start. These
// are the functions slirp_stack.cpp calls.
#include <slirp/libslirp.h>

#include "util/lazy_library.h"

namespace {

// The soname is the ABI the header above describes.
void* slirp_library() {
    static void* h = env::lazy::open_library("libslirp.so.0");
    return h;
}

}  // namespace

ENV_FORWARD(slirp_library, Slirp*, slirp_new,
            (const SlirpConfig* cfg, const SlirpCb* callbacks, void* opaque),
            (cfg, callbacks, opaque))
ENV_FORWARD(slirp_library, void, slirp_cleanup, (Slirp * slirp), (slirp))
ENV_FORWARD(slirp_library, void, slirp_pollfds_fill,
            (Slirp * slirp, uint32_t* timeout, SlirpAddPollCb add_poll, void* opaque),
            (slirp, timeout, add_poll, opaque))
ENV_FORWARD(slirp_library, void, slirp_pollfds_poll,
            (Slirp * slirp, int select_error, SlirpGetREventsCb get_revents, void* opaque),
            (slirp, select_error, get_revents, opaque))
ENV_FORWARD(slirp_library, void, slirp_input, (Slirp * slirp, const uint8_t* pkt, int pkt_len),
            (slirp, pkt, pkt_len))
ENV_FORWARD(slirp_library, int, slirp_add_hostfwd,
            (Slirp * slirp, int is_udp, struct in_addr host_addr, int host_port,
             struct in_addr guest_addr, int guest_port),
            (slirp, is_udp, host_addr, host_port, guest_addr, guest_port))
ENV_FORWARD(slirp_library, int, slirp_remove_hostfwd,
            (Slirp * slirp, int is_udp, struct in_addr host_addr, int host_port),
            (slirp, is_udp, host_addr, host_port))
ENV_FORWARD(slirp_library, char*, slirp_connection_info, (Slirp * slirp), (slirp))

#pragma once
// What a container box looks like once extracted (MachineContext::box_dir):
//
//   metadata.json   {"provider": "container", "format": "rootfs", "arch": "amd64",
//                    "container": {
//                      "command": ["/usr/sbin/dropbear", "-F", "-E", "-R", "-p", "22"],
//                      "init": ["/sbin/init"],          // optional: the box's own init
//                      "stop_signal": "SIGRTMIN+3",      // optional, default SIGTERM
//                      "user": "env"}}                   // the SSH user, default root
//   rootfs/         the root filesystem, files owned as they appear inside the container
//
// "init" runs as pid 1 when given (systemd, busybox init); otherwise our small init
// (mini_init.h) is pid 1 and runs "command", normally the SSH server in the foreground.
// The tree is the overlay's read-only lower layer: no machine ever writes to it.
//
// The recipes in boxes/ write the box library's flat form (box/metadata.h) instead, and it
// is read too: top-level "user", "rootfs", "init" (a string or a list), and
//   "ssh": {"server": "dropbear" | "openssh", "authorized_keys": "/root/.ssh/authorized_keys",
//           "host_key_dir": "/etc/dropbear"}
// which says where the machine's keys go before first boot (ContainerProvider::up).
#include <string>
#include <vector>

#include "util/error.h"

namespace env::container {

struct ContainerBox {
    std::string rootfs;
    std::vector<std::string> init;
    std::vector<std::string> command;
    std::string stop_signal = "SIGTERM";
    std::string user = "root";
    // Where the SSH server of the box expects its keys; server "" = unknown (then the
    // defaults of `user` and OpenSSH apply).
    std::string ssh_server;       // "dropbear" | "openssh" | ""
    std::string authorized_keys;  // absolute path inside the box
    std::string host_key_dir;     // absolute path inside the box
};

// metadata.json may be missing (a bare rootfs); rootfs/ may not.
Result<ContainerBox> read_container_box(const std::string& box_dir);

}  // namespace env::container

#pragma once
// The capability set a container keeps: Docker's default set, which users already know
// works for sshd, package managers and most services, and which leaves out everything
// that reaches the host (modules, mounts, raw I/O, time, tracing, admin of host devices),
// plus NET_ADMIN:
//   CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_ADMIN
//   NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP                 (mask 0xa80435fb)
// NET_ADMIN and NET_RAW act only on the network namespace the process is in, and every
// machine has its own (eth0 on the NAT stack, the host-only eth1, lo): they let a machine
// manage its own network as a VM can (keepalived adding a virtual IP and sending VRRP,
// `ip addr`, iptables, tc), and reach nothing of the host's. Docker leaves NET_ADMIN out
// because `--network host` shares the host's namespace; no machine here ever does. What
// stays out and would let it escape: SYS_ADMIN (setns into another namespace, mounts) and
// the host's /proc of other namespaces (the pid namespace hides them). As with Docker's
// `--cap-add NET_ADMIN`, asking for a netfilter table or link type may autoload a module
// the host has installed.
// The bounding set is cut to it, inheritable and ambient are emptied (as Docker does
// since CVE-2022-24769), and effective = permitted = the kept set.
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace env::container {

std::vector<int> default_capabilities();
uint64_t capability_mask(const std::vector<int>& caps);
// Capability numbers to drop from the bounding set, given the highest the kernel knows.
std::vector<int> capabilities_to_drop(const std::vector<int>& keep, int last_cap);
// "CHOWN" <-> 0, for messages and the documentation; "" / -1 when unknown.
std::string capability_name(int cap);

// Applies the set to the calling process (after fork, before exec). Async-signal-safe
// enough for a freshly cloned child: no allocation beyond what the caller prepared.
Result<> apply_capabilities(const std::vector<int>& keep, int last_cap);
// /proc/sys/kernel/cap_last_cap, or 40 (Linux 5.9+) when unreadable.
int read_last_cap();

}  // namespace env::container

#pragma once
// The capability set a container keeps: Docker's default set, which users already know
// works for sshd, package managers and most services, and which leaves out everything
// that reaches the host (modules, mounts, raw I/O, time, tracing, admin of host devices):
//   CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW
//   SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP                         (mask 0xa80425fb)
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

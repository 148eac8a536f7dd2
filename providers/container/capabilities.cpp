#include "providers/container/capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "util/sys.h"

namespace env::container {

std::vector<int> default_capabilities() {
    // NET_ADMIN beyond Docker's set: safe since every machine has its own network
    // namespace (capabilities.h).
    return {CAP_CHOWN,      CAP_DAC_OVERRIDE, CAP_FOWNER,      CAP_FSETID,           CAP_KILL,
            CAP_SETGID,     CAP_SETUID,       CAP_SETPCAP,     CAP_NET_BIND_SERVICE, CAP_NET_ADMIN,
            CAP_NET_RAW,    CAP_SYS_CHROOT,   CAP_MKNOD,       CAP_AUDIT_WRITE,      CAP_SETFCAP};
}

uint64_t capability_mask(const std::vector<int>& caps) {
    uint64_t m = 0;
    for (int c : caps)
        if (c >= 0 && c < 64) m |= uint64_t{1} << c;
    return m;
}

std::vector<int> capabilities_to_drop(const std::vector<int>& keep, int last_cap) {
    std::vector<int> out;
    for (int c = 0; c <= last_cap; ++c)
        if (std::find(keep.begin(), keep.end(), c) == keep.end()) out.push_back(c);
    return out;
}

std::string capability_name(int cap) {
    static const char* names[] = {"CHOWN",
                                  "DAC_OVERRIDE",
                                  "DAC_READ_SEARCH",
                                  "FOWNER",
                                  "FSETID",
                                  "KILL",
                                  "SETGID",
                                  "SETUID",
                                  "SETPCAP",
                                  "LINUX_IMMUTABLE",
                                  "NET_BIND_SERVICE",
                                  "NET_BROADCAST",
                                  "NET_ADMIN",
                                  "NET_RAW",
                                  "IPC_LOCK",
                                  "IPC_OWNER",
                                  "SYS_MODULE",
                                  "SYS_RAWIO",
                                  "SYS_CHROOT",
                                  "SYS_PTRACE",
                                  "SYS_PACCT",
                                  "SYS_ADMIN",
                                  "SYS_BOOT",
                                  "SYS_NICE",
                                  "SYS_RESOURCE",
                                  "SYS_TIME",
                                  "SYS_TTY_CONFIG",
                                  "MKNOD",
                                  "LEASE",
                                  "AUDIT_WRITE",
                                  "AUDIT_CONTROL",
                                  "SETFCAP",
                                  "MAC_OVERRIDE",
                                  "MAC_ADMIN",
                                  "SYSLOG",
                                  "WAKE_ALARM",
                                  "BLOCK_SUSPEND",
                                  "AUDIT_READ",
                                  "PERFMON",
                                  "BPF",
                                  "CHECKPOINT_RESTORE"};
    if (cap < 0 || cap >= static_cast<int>(std::size(names))) return "";
    return names[cap];
}

int read_last_cap() {
    auto text = sys::read_file("/proc/sys/kernel/cap_last_cap");
    if (!text) return 40;
    try {
        return std::stoi(*text);
    } catch (...) {
        return 40;
    }
}

Result<> apply_capabilities(const std::vector<int>& keep, int last_cap) {
    // Dropping from the bounding set needs CAP_SETPCAP, so it comes before capset().
    for (int c : capabilities_to_drop(keep, last_cap))
        if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL)
            return fail_errno("dropping capability " + capability_name(c) +
                              " from the bounding set");
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return fail_errno("clearing ambient capabilities");
    uint64_t mask = capability_mask(keep);
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    data[0].effective = data[0].permitted = static_cast<uint32_t>(mask);
    data[1].effective = data[1].permitted = static_cast<uint32_t>(mask >> 32);
    if (::syscall(SYS_capset, &hdr, data) != 0) return fail_errno("capset");
    return {};
}

}  // namespace env::container

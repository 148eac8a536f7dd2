#pragma once
// env-vmm's configuration: a JSON file (what the kvm provider writes) and/or command-line
// flags, flags winning.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace env::kvm {

// A virtio-blk disk: a raw image file, or with `base` a copy-on-write overlay at `path`
// over that read-only base image (a box's disk shared by its machines).
struct DiskConfig {
    std::string path;
    bool read_only = false;
    std::string base;
};

// A host port forwarded to a guest port through the NIC's NAT (slirp only).
struct PortForward {
    std::string proto = "tcp";  // "tcp" or "udp"
    std::string host_addr = "127.0.0.1";
    uint16_t host_port = 0;
    uint16_t guest_port = 0;
};

// A virtio-net NIC: user-mode NAT (libslirp: 10.0.2.0/24, gateway .2, DNS .3, DHCP from .15)
// or an existing tap device.
struct NicConfig {
    std::string backend = "slirp";  // "slirp" or "tap"
    std::string tap;                // the tap's name (backend "tap")
    std::array<uint8_t, 6> mac{};   // zero: derived from the NIC's index (52:54:00:12:34:5n)
    std::vector<PortForward> forwards;
};

struct VmmConfig {
    std::string kernel;
    std::string initrd;
    std::string cmdline = "console=ttyS0";
    uint64_t memory_mib = 256;
    unsigned vcpus = 1;
    bool hugepages = false;
    std::string console_log;     // empty: the guest's serial output goes to stdout
    std::string control_socket;  // empty: no control socket
    std::vector<DiskConfig> disks;
    std::vector<NicConfig> nics;
    bool rng = true;  // a virtio-rng device, so the guest's entropy pool fills at boot
};

// Parses {"kernel": "...", "initrd": "...", "cmdline": "...", "memory_mib": 256, "vcpus": 1,
// "hugepages": false, "console_log": "...", "control_socket": "...",
// "disks": [{"path": "...", "read_only": false, "base": "..."}],
// "nics": [{"backend": "slirp"|"tap", "tap": "name", "mac": "52:54:00:12:34:56",
//           "forwards": [{"proto": "tcp", "host_addr": "127.0.0.1", "host_port": 2222,
//           "guest_port": 22}]}],
// "rng": true}; unknown keys are errors.
Result<VmmConfig> parse_config_json(const std::string& text, VmmConfig base = {});
// The flags' short forms: --disk PATH[,ro][,base=BASE]; --nic
// slirp[,mac=M][,forward=tcp:[ADDR:]HOST-GUEST]... or --nic tap=NAME[,mac=M].
Result<DiskConfig> parse_disk_flag(const std::string& value);
Result<NicConfig> parse_nic_flag(const std::string& value);
// "tcp:127.0.0.1:2222-22" (address optional).
Result<PortForward> parse_forward(const std::string& text);
// Checks ranges and that the kernel is set.
Result<> validate(const VmmConfig& c);

}  // namespace env::kvm

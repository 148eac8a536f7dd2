#pragma once
// env-vmm's configuration: a JSON file (what the kvm provider writes) and/or command-line
// flags, flags winning. Disks and NICs arrive in part 2.
#include <cstdint>
#include <string>

#include "util/error.h"

namespace env::kvm {

struct VmmConfig {
    std::string kernel;
    std::string initrd;
    std::string cmdline = "console=ttyS0";
    uint64_t memory_mib = 256;
    unsigned vcpus = 1;
    bool hugepages = false;
    std::string console_log;     // empty: the guest's serial output goes to stdout
    std::string control_socket;  // empty: no control socket
};

// Parses {"kernel": "...", "initrd": "...", "cmdline": "...", "memory_mib": 256, "vcpus": 1,
// "hugepages": false, "console_log": "...", "control_socket": "..."}; unknown keys are errors.
Result<VmmConfig> parse_config_json(const std::string& text, VmmConfig base = {});
// Checks ranges and that the kernel is set.
Result<> validate(const VmmConfig& c);

}  // namespace env::kvm

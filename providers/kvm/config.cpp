#include "providers/kvm/config.h"

#include <nlohmann/json.hpp>

#include "providers/kvm/boot/mptable.h"

namespace env::kvm {

Result<VmmConfig> parse_config_json(const std::string& text, VmmConfig c) {
    try {
        auto j = nlohmann::json::parse(text);
        if (!j.is_object()) return fail(ErrorKind::Invalid, "configuration must be a JSON object");
        for (auto& [key, v] : j.items()) {
            if (key == "kernel") c.kernel = v.get<std::string>();
            else if (key == "initrd") c.initrd = v.get<std::string>();
            else if (key == "cmdline") c.cmdline = v.get<std::string>();
            else if (key == "memory_mib") c.memory_mib = v.get<uint64_t>();
            else if (key == "vcpus") c.vcpus = v.get<unsigned>();
            else if (key == "hugepages") c.hugepages = v.get<bool>();
            else if (key == "console_log") c.console_log = v.get<std::string>();
            else if (key == "control_socket") c.control_socket = v.get<std::string>();
            else return fail(ErrorKind::Invalid, "unknown configuration key '" + key + "'");
        }
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorKind::Invalid, std::string("configuration: ") + e.what());
    }
    return c;
}

Result<> validate(const VmmConfig& c) {
    if (c.kernel.empty()) return fail(ErrorKind::Usage, "no kernel given (--kernel or \"kernel\")");
    if (c.vcpus < 1 || c.vcpus > kMaxVcpus)
        return fail(ErrorKind::Invalid, "vcpus must be between 1 and " + std::to_string(kMaxVcpus));
    if (c.memory_mib < 16 || c.memory_mib > (1u << 20))
        return fail(ErrorKind::Invalid, "memory_mib must be between 16 and 1048576");
    if (c.control_socket.size() >= 108) return fail(ErrorKind::Invalid, "control socket path is too long for a unix socket");
    return {};
}

}  // namespace env::kvm

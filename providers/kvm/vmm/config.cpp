#include "providers/kvm/vmm/config.h"

#include <nlohmann/json.hpp>

#include "providers/kvm/boot/mptable.h"
#include "providers/kvm/virtio/net/mac_address.h"

namespace env::kvm {

namespace {
Result<> bad(const std::string& what) {
    return fail(ErrorKind::Invalid, what);
}

Result<uint16_t> port_number(const std::string& s, const std::string& what) {
    if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(s) == 0 || std::stoul(s) > 65535)
        return fail(ErrorKind::Invalid, what + ": '" + s + "' is not a port number (1-65535)");
    return static_cast<uint16_t>(std::stoul(s));
}

Result<DiskConfig> disk_json(const nlohmann::json& j) {
    if (!j.is_object()) return fail(ErrorKind::Invalid, "each disk must be an object");
    DiskConfig d;
    for (auto& [key, v] : j.items()) {
        if (key == "path")
            d.path = v.get<std::string>();
        else if (key == "read_only")
            d.read_only = v.get<bool>();
        else if (key == "base")
            d.base = v.get<std::string>();
        else
            return fail(ErrorKind::Invalid, "unknown disk key '" + key + "'");
    }
    return d;
}

Result<PortForward> forward_json(const nlohmann::json& j) {
    if (!j.is_object()) return fail(ErrorKind::Invalid, "each forward must be an object");
    PortForward f;
    for (auto& [key, v] : j.items()) {
        if (key == "proto")
            f.proto = v.get<std::string>();
        else if (key == "host_addr")
            f.host_addr = v.get<std::string>();
        else if (key == "host_port")
            f.host_port = TRY(port_number(std::to_string(v.get<unsigned>()), "host_port"));
        else if (key == "guest_port")
            f.guest_port = TRY(port_number(std::to_string(v.get<unsigned>()), "guest_port"));
        else
            return fail(ErrorKind::Invalid, "unknown forward key '" + key + "'");
    }
    return f;
}

Result<NicConfig> nic_json(const nlohmann::json& j) {
    if (!j.is_object()) return fail(ErrorKind::Invalid, "each nic must be an object");
    NicConfig n;
    for (auto& [key, v] : j.items()) {
        if (key == "backend")
            n.backend = v.get<std::string>();
        else if (key == "tap")
            n.tap = v.get<std::string>();
        else if (key == "mac")
            n.mac = TRY(virtio::parse_mac(v.get<std::string>()));
        else if (key == "forwards")
            for (auto& f : v) n.forwards.push_back(TRY(forward_json(f)));
        else
            return fail(ErrorKind::Invalid, "unknown nic key '" + key + "'");
    }
    return n;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at - start));
        if (at == std::string::npos) return out;
        start = at + 1;
    }
}
}  // namespace

Result<PortForward> parse_forward(const std::string& text) {
    PortForward f;
    auto colon = text.find(':');
    auto dash = text.rfind('-');
    if (colon == std::string::npos || dash == std::string::npos || dash < colon)
        return fail(ErrorKind::Invalid,
                    "forward '" + text + "' is not PROTO:[ADDR:]HOSTPORT-GUESTPORT");
    f.proto = text.substr(0, colon);
    std::string host = text.substr(colon + 1, dash - colon - 1);
    if (auto c = host.rfind(':'); c != std::string::npos) {
        f.host_addr = host.substr(0, c);
        host = host.substr(c + 1);
    }
    f.host_port = TRY(port_number(host, "forward '" + text + "'"));
    f.guest_port = TRY(port_number(text.substr(dash + 1), "forward '" + text + "'"));
    return f;
}

Result<DiskConfig> parse_disk_flag(const std::string& value) {
    auto parts = split(value, ',');
    DiskConfig d{parts[0], false};
    for (size_t i = 1; i < parts.size(); ++i) {
        if (parts[i] == "ro")
            d.read_only = true;
        else if (parts[i].starts_with("base="))
            d.base = parts[i].substr(5);
        else
            return fail(ErrorKind::Usage,
                        "--disk " + value + ": unknown option '" + parts[i] + "' (ro, base=BASE)");
    }
    return d;
}

Result<NicConfig> parse_nic_flag(const std::string& value) {
    auto parts = split(value, ',');
    NicConfig n;
    if (parts[0].starts_with("tap=")) {
        n.backend = "tap";
        n.tap = parts[0].substr(4);
    } else if (parts[0] != "slirp") {
        return fail(ErrorKind::Usage, "--nic " + value + ": backend must be slirp or tap=NAME");
    }
    for (size_t i = 1; i < parts.size(); ++i) {
        if (parts[i].starts_with("mac="))
            n.mac = TRY(virtio::parse_mac(parts[i].substr(4)));
        else if (parts[i].starts_with("forward="))
            n.forwards.push_back(TRY(parse_forward(parts[i].substr(8))));
        else
            return fail(ErrorKind::Usage, "--nic " + value + ": unknown option '" + parts[i] + "'");
    }
    return n;
}

Result<VmmConfig> parse_config_json(const std::string& text, VmmConfig c) {
    try {
        auto j = nlohmann::json::parse(text);
        if (!j.is_object()) return fail(ErrorKind::Invalid, "configuration must be a JSON object");
        for (auto& [key, v] : j.items()) {
            if (key == "kernel")
                c.kernel = v.get<std::string>();
            else if (key == "initrd")
                c.initrd = v.get<std::string>();
            else if (key == "cmdline")
                c.cmdline = v.get<std::string>();
            else if (key == "memory_mib")
                c.memory_mib = v.get<uint64_t>();
            else if (key == "vcpus")
                c.vcpus = v.get<unsigned>();
            else if (key == "hugepages")
                c.hugepages = v.get<bool>();
            else if (key == "console_log")
                c.console_log = v.get<std::string>();
            else if (key == "control_socket")
                c.control_socket = v.get<std::string>();
            else if (key == "rng")
                c.rng = v.get<bool>();
            else if (key == "disks")
                for (auto& d : v) c.disks.push_back(TRY(disk_json(d)));
            else if (key == "nics")
                for (auto& n : v) c.nics.push_back(TRY(nic_json(n)));
            else
                return fail(ErrorKind::Invalid, "unknown configuration key '" + key + "'");
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
    if (c.control_socket.size() >= 108)
        return fail(ErrorKind::Invalid, "control socket path is too long for a unix socket");
    // Slots 1-31 of PCI bus 0 hold the virtio devices.
    if (c.disks.size() + c.nics.size() + (c.rng ? 1 : 0) > 31)
        return bad("more than 31 virtio devices");
    for (auto& d : c.disks) {
        if (d.path.empty()) return bad("a disk without a path");
        if (!d.base.empty() && d.read_only)
            return bad("disk " + d.path + ": an overlay cannot be read-only (give the base alone)");
    }
    for (auto& n : c.nics) {
        if (n.backend != "slirp" && n.backend != "tap")
            return bad("nic backend '" + n.backend + "' (slirp or tap)");
        if (n.backend == "tap" && (n.tap.empty() || n.tap.size() >= 16))
            return bad("a tap nic needs a tap name of 1-15 bytes");
        if (n.backend == "tap" && !n.forwards.empty())
            return bad("port forwards need the slirp backend");
        for (auto& f : n.forwards)
            if (f.proto != "tcp" && f.proto != "udp")
                return bad("forward protocol '" + f.proto + "' (tcp or udp)");
    }
    return {};
}

}  // namespace env::kvm

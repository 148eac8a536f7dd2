#include "providers/container/supervisor_config.h"

#include <nlohmann/json.hpp>

#include <cstring>

namespace env::container {

using nlohmann::json;

std::string to_json(const SupervisorConfig& c) {
    json j;
    j["project"] = c.project;
    j["machine"] = c.machine;
    j["hostname"] = c.hostname;
    j["state_dir"] = c.state_dir;
    j["lower_dir"] = c.lower_dir;
    j["binds"] = json::array();
    for (auto& b : c.binds)
        j["binds"].push_back(
            {{"source", b.source}, {"target", b.target}, {"readonly", b.readonly}});
    j["masked"] = c.masked;
    j["cgroup_name"] = c.cgroup_name;
    j["limits"] = {{"cpuset", c.limits.cpuset},
                   {"cpu_quota_us", c.limits.cpu_quota_us},
                   {"cpu_period_us", c.limits.cpu_period_us},
                   {"memory_bytes", c.limits.memory_bytes},
                   {"pids_max", c.limits.pids_max}};
    j["init"] = c.init;
    j["command"] = c.command;
    j["env"] = c.env;
    j["stop_signal"] = c.stop_signal;
    j["stop_timeout_ms"] = c.stop_timeout_ms;
    j["network"] = c.network;
    j["forwards"] = json::array();
    for (auto& f : c.forwards)
        j["forwards"].push_back({{"host_ip", f.host_ip},
                                 {"host_port", f.host_port},
                                 {"guest_port", f.guest_port},
                                 {"protocol", f.protocol}});
    j["nics"] = json::array();
    for (auto& n : c.nics)
        j["nics"].push_back({{"network", n.network}, {"macvlan", n.macvlan}, {"link", n.link},
                             {"host_end", n.host_end}, {"name", n.name}, {"mac", n.mac},
                             {"address", n.address}, {"dhcp", n.dhcp},
                             {"dhcp_offer", n.dhcp_offer}});
    j["no_new_privs"] = c.no_new_privs;
    j["user_namespace"] = c.user_namespace;
    j["id_base"] = c.id_base;
    j["id_count"] = c.id_count;
    j["capabilities"] = c.capabilities;
    return j.dump(2) + "\n";
}

Result<SupervisorConfig> config_from_json(const std::string& text) {
    try {
        json j = json::parse(text);
        SupervisorConfig c;
        c.project = j.at("project");
        c.machine = j.at("machine");
        c.hostname = j.at("hostname");
        c.state_dir = j.at("state_dir");
        c.lower_dir = j.at("lower_dir");
        for (auto& b : j.at("binds"))
            c.binds.push_back({b.at("source"), b.at("target"), b.value("readonly", false)});
        c.masked = j.value("masked", std::vector<std::string>{});
        c.cgroup_name = j.at("cgroup_name");
        auto& l = j.at("limits");
        c.limits.cpuset = l.at("cpuset");
        c.limits.cpu_quota_us = l.at("cpu_quota_us");
        c.limits.cpu_period_us = l.at("cpu_period_us");
        c.limits.memory_bytes = l.at("memory_bytes");
        c.limits.pids_max = l.at("pids_max");
        c.init = j.at("init").get<std::vector<std::string>>();
        c.command = j.at("command").get<std::vector<std::string>>();
        c.env = j.at("env").get<std::vector<std::string>>();
        c.stop_signal = j.at("stop_signal");
        c.stop_timeout_ms = j.at("stop_timeout_ms");
        c.network = j.at("network");
        for (auto& f : j.at("forwards"))
            c.forwards.push_back(
                {f.at("host_ip"), f.at("host_port"), f.at("guest_port"), f.at("protocol")});
        for (auto& n : j.value("nics", json::array()))
            c.nics.push_back({n.at("network"), n.at("macvlan"), n.at("link"), n.at("host_end"),
                              n.at("name"), n.at("mac"), n.at("address"), n.at("dhcp"),
                              n.value("dhcp_offer", "")});
        c.no_new_privs = j.at("no_new_privs");
        c.user_namespace = j.value("user_namespace", false);
        c.id_base = j.value("id_base", 0u);
        c.id_count = j.value("id_count", 0u);
        if (c.user_namespace && c.id_count == 0)
            return fail(ErrorKind::Invalid,
                        "supervisor config: user namespace without an id range");
        c.capabilities = j.at("capabilities").get<std::vector<int>>();
        if (c.init.empty() && c.command.empty())
            return fail(ErrorKind::Invalid,
                        "supervisor config names neither an init nor a command");
        return c;
    } catch (const json::exception& e) {
        return fail(ErrorKind::Invalid, std::string("supervisor config: ") + e.what());
    }
}

Result<int> parse_signal(const std::string& name) {
    std::string n = name;
    if (n.rfind("SIG", 0) == 0) n = n.substr(3);
    if (!n.empty() && std::isdigit(static_cast<unsigned char>(n[0]))) {
        try {
            int v = std::stoi(n);
            if (v > 0 && v <= SIGRTMAX) return v;
        } catch (...) {
        }
        return fail(ErrorKind::Invalid, "unknown signal '" + name + "'");
    }
    if (n.rfind("RTMIN+", 0) == 0) {
        try {
            int v = SIGRTMIN + std::stoi(n.substr(6));
            if (v <= SIGRTMAX) return v;
        } catch (...) {
        }
        return fail(ErrorKind::Invalid, "unknown signal '" + name + "'");
    }
    for (int s = 1; s < NSIG; ++s) {
        const char* abbrev = sigabbrev_np(s);
        if (abbrev && n == abbrev) return s;
    }
    return fail(ErrorKind::Invalid, "unknown signal '" + name + "'");
}

}  // namespace env::container

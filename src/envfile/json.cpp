// to_json (declared in describe.h): the validated Envfile for `--json`.
#include "envfile/describe.h"
#include "envfile/network_reader.h"

namespace env::envfile {
namespace {

std::string_view run_name(RunWhen r) {
    return r == RunWhen::Once ? "once" : r == RunWhen::Always ? "always" : "never";
}

nlohmann::json provisioner_json(const Provisioner& p) {
    nlohmann::json j{{"name", p.name}, {"run", run_name(p.run)}};
    if (p.kind == Provisioner::Kind::Shell) {
        j["type"] = "shell";
        if (!p.path.empty())
            j["path"] = p.path;
        else
            j["inline"] = p.inline_script;
        j["args"] = p.args;
        j["env"] = p.env;
        j["privileged"] = p.privileged;
    } else {
        j["type"] = "file";
        j["source"] = p.source;
        j["destination"] = p.destination;
    }
    return j;
}

nlohmann::json machine_json(const Machine& m) {
    nlohmann::json nets = nlohmann::json::array(), ports = nlohmann::json::array(),
                   folders = nlohmann::json::array(), prov = nlohmann::json::array();
    for (auto& a : m.networks) {
        nlohmann::json n{{"network", a.network}, {"dhcp", a.dhcp}};
        if (!a.ip.empty()) n["ip"] = a.ip;
        if (!a.mac.empty()) n["mac"] = a.mac;
        nets.push_back(n);
    }
    for (auto& p : m.ports)
        ports.push_back({{"guest", p.guest},
                         {"host", p.host},
                         {"host_ip", p.host_ip},
                         {"protocol", p.protocol}});
    for (auto& f : m.synced_folders)
        folders.push_back({{"source", f.source}, {"target", f.target}, {"disabled", f.disabled}});
    for (auto& p : m.provision) prov.push_back(provisioner_json(p));
    nlohmann::json j{{"name", m.name},
                     {"box", {{"name", m.box.name}, {"constraint", m.box.constraint}}},
                     {"provider", m.provider},
                     {"hostname", m.hostname},
                     {"cpus", m.cpus},
                     {"memory", m.memory},
                     {"cpu_cap", m.cpu_cap},
                     {"disk", m.disk},
                     {"boot_timeout", m.boot_timeout},
                     {"networks", nets},
                     {"ports", ports},
                     {"synced_folders", folders},
                     {"provision", prov},
                     {"autostart", m.autostart},
                     {"primary", m.primary}};
    if (!m.box_url.empty()) j["box_url"] = m.box_url;
    if (!m.ssh_user.empty()) j["ssh_user"] = m.ssh_user;
    return j;
}

}  // namespace

nlohmann::json to_json(const Envfile& e) {
    nlohmann::json nets = nlohmann::json::object(), machines = nlohmann::json::array();
    for (auto& [name, n] : e.networks) {
        nlohmann::json j{{"type", network_type_name(n.type)}, {"dhcp", n.dhcp}};
        if (!n.subnet.empty()) j["subnet"] = n.subnet;
        if (!n.interface.empty()) j["interface"] = n.interface;
        nets[name] = j;
    }
    for (auto& m : e.machines) machines.push_back(machine_json(m));
    return {{"path", e.path},
            {"dir", e.dir},
            {"version", e.version},
            {"networks", nets},
            {"machines", machines}};
}

}  // namespace env::envfile

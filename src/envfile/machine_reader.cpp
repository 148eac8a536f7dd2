#include "envfile/machine_reader.h"

#include <array>
#include <filesystem>

#include "envfile/loops.h"
#include "envfile/network_reader.h"
#include "envfile/provision_reader.h"
#include "envfile/values.h"
#include "state/provider_names.h"
#include "util/inet.h"

namespace env::envfile {
namespace {

constexpr std::array<std::string_view, 9> default_keys{
    "box", "box_url", "provider", "cpus", "memory", "cpu_cap", "disk", "boot_timeout", "ssh"};
constexpr std::array<std::string_view, 17> machine_keys{
    "for",       "box",       "box_url",      "provider", "hostname", "cpus",  "memory",
    "cpu_cap",   "disk",      "boot_timeout", "ssh",      "networks", "ports", "synced_folders",
    "provision", "autostart", "primary"};
constexpr std::array<std::string_view, 1> ssh_keys{"user"};
constexpr std::array<std::string_view, 4> port_keys{"guest", "host", "host_ip", "protocol"};
constexpr std::array<std::string_view, 2> protocols{"tcp", "udp"};
constexpr std::array<std::string_view, 3> folder_keys{"source", "target", "disabled"};

constexpr uint64_t MiB = 1ull << 20;
constexpr uint64_t min_memory = 32 * MiB, max_memory = 1ull << 40;
constexpr uint64_t min_disk = 64 * MiB, max_disk = 64ull << 40;

std::string size_text(uint64_t b) {
    if (b % (1ull << 30) == 0) return std::to_string(b >> 30) + "G";
    if (b % MiB == 0) return std::to_string(b >> 20) + "M";
    return std::to_string(b) + "B";
}

std::optional<uint64_t> size_in(Reader& r, const Field& k, uint64_t lo, uint64_t hi) {
    auto s = r.str(k);
    if (!s) return std::nullopt;
    auto v = parse_size(s->text);
    if (!v) {
        r.error(k, "'" + k.name + "': " + v.error() + r.in(*s));
        return std::nullopt;
    }
    if (*v < lo || *v > hi) {
        r.error(k, "'" + k.name + "' is " + s->text + ", outside " + size_text(lo) + ".." +
                       size_text(hi) + r.in(*s));
        return std::nullopt;
    }
    return *v;
}

// Keys shared by defaults: and machines. False when k is not one of them.
bool read_common(Reader& r, const Field& k, Machine& m, bool& box_given) {
    if (k.name == "box") {
        box_given = true;
        if (auto b = r.parsed<BoxRef>(k, parse_box)) m.box = *b;
    } else if (k.name == "box_url") {
        // A URL, or a path to a .box file relative to the Envfile.
        if (auto s = r.nonempty(k))
            m.box_url = s->text.find("://") != std::string::npos ? s->text : r.absolute(s->text);
    } else if (k.name == "provider") {
        if (auto s = r.choice(k, state::provider_names())) m.provider = s->text;
    } else if (k.name == "cpus") {
        if (auto v = r.integer(k, 1, 128)) m.cpus = int(*v);
    } else if (k.name == "memory") {
        if (auto v = size_in(r, k, min_memory, max_memory)) m.memory = *v;
    } else if (k.name == "cpu_cap") {
        if (auto v = r.parsed<int>(k, parse_percent)) m.cpu_cap = *v;
    } else if (k.name == "disk") {
        if (auto v = size_in(r, k, min_disk, max_disk)) m.disk = *v;
    } else if (k.name == "boot_timeout") {
        if (auto v = r.integer(k, 1, 86400)) m.boot_timeout = int(*v);
    } else if (k.name == "ssh") {
        r.map(k, ssh_keys, [&](const Field& s) {
            if (auto u = r.nonempty(s)) m.ssh_user = u->text;
        });
    } else {
        return false;
    }
    return true;
}

void read_ports(Reader& r, const Field& f, std::vector<PortForward>& out) {
    r.list(f, [&](const Field& item, size_t) {
        PortForward p;
        p.mark = Reader::mark(item.value);
        bool guest = false, host = false, bad = false;
        bool ok = r.map(item, port_keys, [&](const Field& k) {
            if (k.name == "guest") {
                guest = true;
                if (auto v = r.integer(k, 1, 65535))
                    p.guest = int(*v);
                else
                    bad = true;
            } else if (k.name == "host") {
                host = true;
                p.mark = Reader::mark(k.value);
                if (auto v = r.integer(k, 1, 65535))
                    p.host = int(*v);
                else
                    bad = true;
            } else if (k.name == "host_ip") {
                if (auto ip = r.parsed<uint32_t>(k, inet::parse_ipv4))
                    p.host_ip = inet::format_ipv4(*ip);
                else
                    bad = true;
            } else if (k.name == "protocol") {
                if (auto s = r.choice(k, protocols))
                    p.protocol = s->text;
                else
                    bad = true;
            }
        });
        if (!ok) return;
        if (!guest || !host) {
            r.error(item, std::string("a port forward needs ") +
                              (!guest && !host ? "'guest' and 'host'"
                               : !guest        ? "'guest'"
                                               : "'host'") +
                              " ports");
            return;
        }
        if (!bad) out.push_back(p);
    });
}

bool has_dot_dot(std::string_view path) {
    for (size_t pos = 0; pos <= path.size();) {
        size_t end = path.find('/', pos);
        if (end == path.npos) end = path.size();
        if (path.substr(pos, end - pos) == "..") return true;
        pos = end + 1;
    }
    return false;
}

void read_folders(Reader& r, const Field& f, std::vector<SyncedFolder>& out) {
    r.list(f, [&](const Field& item, size_t) {
        SyncedFolder s;
        s.mark = Reader::mark(item.value);
        std::optional<Field> source_f;
        bool ok = r.map(item, folder_keys, [&](const Field& k) {
            if (k.name == "source") {
                if (auto v = r.nonempty(k)) s.source = r.absolute(v->text), source_f = k;
            } else if (k.name == "target") {
                if (auto v = r.nonempty(k)) {
                    if (v->text[0] != '/')
                        r.error(k, "'target' must be an absolute path in the guest, not '" +
                                       v->text + "'" + r.in(*v));
                    else if (has_dot_dot(v->text))
                        // The provider would refuse it only at up, with the machine half made.
                        r.error(k, "'target' must not contain '..' components: '" + v->text + "'" +
                                       r.in(*v));
                    else
                        s.target = v->text;
                }
            } else if (k.name == "disabled") {
                if (auto b = r.boolean(k)) s.disabled = *b;
            }
        });
        if (!ok) return;
        if (!item.value["source"] || !item.value["target"]) {
            r.error(item,
                    "a synced folder needs 'source' (on the host) and 'target' (in the guest)");
            return;
        }
        std::error_code ec;
        if (source_f && !s.disabled && !std::filesystem::is_directory(s.source, ec))
            r.error(*source_f, "synced folder source " + s.source +
                                   " is not an existing directory" + r.in_machine());
        out.push_back(std::move(s));
    });
}

// One machine (one loop iteration) from its mapping; `name` is already substituted.
void read_machine(Reader& r, const Field& f, Machine& m, bool box_given,
                  const std::vector<Provisioner>& global) {
    std::vector<Provisioner> own;
    bool ok = r.map(
        f, machine_keys,
        [&](const Field& k) {
            if (k.name == "for" || read_common(r, k, m, box_given)) return;
            if (k.name == "hostname") {
                if (auto s = r.nonempty(k)) {
                    if (auto ok = check_hostname(s->text); !ok)
                        r.error(k, ok.error() + r.in(*s));
                    else
                        m.hostname = s->text;
                }
            } else if (k.name == "networks") {
                read_attachments(r, k, m.networks);
            } else if (k.name == "ports") {
                read_ports(r, k, m.ports);
            } else if (k.name == "synced_folders") {
                read_folders(r, k, m.synced_folders);
            } else if (k.name == "provision") {
                read_provisioners(r, k, own);
            } else if (k.name == "autostart") {
                if (auto b = r.boolean(k)) m.autostart = *b;
            } else if (k.name == "primary") {
                if (auto b = r.boolean(k)) m.primary = *b;
            }
        },
        true);
    if (ok && !box_given)
        r.error(Reader::mark(f.key),
                "machine '" + m.name + "' has no box: set 'box:' on it or under 'defaults:'");
    if (m.hostname.empty()) m.hostname = m.name;
    if (m.provider.empty()) m.provider = state::default_provider();
    m.provision = global;
    m.provision.insert(m.provision.end(), own.begin(), own.end());
    name_provisioners(r, m.provision);
}

}  // namespace

void read_defaults(Reader& r, const Field& f, Defaults& out) {
    r.map(
        f, default_keys, [&](const Field& k) { read_common(r, k, out.machine, out.box_given); },
        true);
}

void read_machines(Reader& r, const Field& f, const Defaults& defaults,
                   const std::vector<Provisioner>& global, std::vector<Machine>& out) {
    bool too_many = false;
    r.map(f, {}, [&](const Field& entry) {
        if (too_many) return;
        std::vector<Vars> iterations{Vars{}};
        bool looped = false;
        if (entry.value.IsMap())
            for (auto it = entry.value.begin(); it != entry.value.end(); ++it) {
                std::pair<YAML::Node, YAML::Node> kv = *it;  // it-> would dangle
                if (kv.first.IsScalar() && kv.first.Scalar() == "for") {
                    auto loop = read_loop(r, Field{"for", kv.first, kv.second});
                    if (!loop) return;  // reported; expanding would only repeat errors
                    iterations = std::move(*loop);
                    looped = true;
                    break;
                }
            }
        if (looped && !has_placeholder(entry.name)) {
            r.error(Reader::mark(entry.key),
                    "machine '" + entry.name +
                        "' has a for: loop but no ${...} in its name, "
                        "so every iteration would get the same name (write e.g. '" +
                        entry.name + "${" + iterations[0].at(0).first + "}')");
            iterations.resize(1);
        }
        for (auto& vars : iterations) {
            if (out.size() == max_machines) {
                r.error(Reader::mark(entry.key),
                        "more than " + std::to_string(max_machines) +
                            " machines (after loops): env manages at most that many per project");
                too_many = true;
                break;
            }
            r.vars = &vars;
            r.machine.clear();
            Machine m = defaults.machine;
            m.mark = Reader::mark(entry.key);
            auto name = interpolate(entry.name, vars);
            if (!name) {
                r.error(m.mark, name.error());
                r.vars = &Reader::no_vars();
                return;
            }
            m.name = *name;
            if (auto ok = check_label(m.name); !ok)
                r.error(m.mark, "machine name " + ok.error() + " (names become hostnames)");
            if (looped) r.machine = m.name;
            read_machine(r, entry, m, defaults.box_given, global);
            out.push_back(std::move(m));
        }
        r.vars = &Reader::no_vars();
        r.machine.clear();
    });
}

}  // namespace env::envfile

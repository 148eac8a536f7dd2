#include "envfile/network_reader.h"

#include <array>

#include "envfile/suggest.h"
#include "envfile/values.h"
#include "util/inet.h"

namespace env::envfile {
namespace {

constexpr std::array<std::string_view, 4> network_keys{"type", "subnet", "dhcp", "interface"};
constexpr std::array<std::string_view, 4> type_names{"nat", "host-only", "internal", "bridged"};
constexpr std::array<std::string_view, 4> attachment_keys_mac{"network", "ip", "dhcp", "mac"};

// Network names become part of host bridge names: keep them short and shell-safe.
Parsed<void> check_network_name(const std::string& n) {
    if (n.empty() || n.size() > 32)
        return std::unexpected("network name '" + n + "' must have 1..32 characters");
    for (char c : n)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return std::unexpected("network name '" + n + "' may hold only a-z, 0-9, '-' and '_'");
    return {};
}

void read_network(Reader& r, const Field& f, Network& net) {
    bool has_type = false, bad_type = false;
    Mark subnet_mark, dhcp_mark, interface_mark;
    r.map(f, network_keys, [&](const Field& k) {
        if (k.name == "type") {
            has_type = true;  // a bad type is reported by choice(), not as a missing one
            if (auto s = r.choice(k, type_names)) {
                for (size_t i = 0; i < type_names.size(); ++i)
                    if (type_names[i] == s->text) net.type = NetworkType(i);
            } else {
                bad_type = true;
            }
        } else if (k.name == "subnet") {
            if (auto c = r.parsed<inet::Cidr>(k, inet::parse_cidr)) {
                net.subnet = inet::format_ipv4(c->network) + "/" + std::to_string(c->prefix);
                subnet_mark = Reader::mark(k);
                // The NAT adapter every machine has: a second route there confuses guests.
                inet::Cidr nat{0x0a000200, 24};
                if (nat.contains(c->network) || c->contains(nat.network))
                    r.error(k, "subnet " + net.subnet +
                                   " overlaps 10.0.2.0/24, the NAT network every machine has");
            } else {
                subnet_mark = {-1, -1};  // reported already; no follow-up errors
            }
        } else if (k.name == "dhcp") {
            if (auto b = r.boolean(k)) net.dhcp = *b, dhcp_mark = Reader::mark(k);
        } else if (k.name == "interface") {
            if (auto s = r.nonempty(k)) net.interface = s->text, interface_mark = Reader::mark(k);
        }
    });
    if (!f.value.IsMap()) return;
    if (!has_type) {
        r.error(Reader::mark(f.key),
                "network '" + f.name + "' needs a type: nat, host-only, internal or bridged");
        return;
    }
    if (bad_type) return;
    if (net.type == NetworkType::HostOnly && net.subnet.empty() && subnet_mark.line == 0)
        r.error(Reader::mark(f.key), "host-only network '" + f.name +
                                         "' needs a subnet (e.g. subnet: 192.168.56.0/24): the "
                                         "host takes its .1 address");
    if (net.type == NetworkType::Bridged && net.interface.empty() && interface_mark.line == 0)
        r.error(Reader::mark(f.key), "bridged network '" + f.name +
                                         "' needs the host interface to join (interface: eth0)");
    if (net.type != NetworkType::Bridged && interface_mark.line > 0)
        r.error(interface_mark, "'interface' applies only to bridged networks");
    if (net.dhcp && net.subnet.empty() && net.type != NetworkType::Bridged && subnet_mark.line == 0)
        r.error(dhcp_mark, "network '" + f.name + "' serves DHCP but has no subnet to lease from");
}

}  // namespace

std::string_view network_type_name(NetworkType t) {
    return type_names[size_t(t)];
}

void read_network_definitions(Reader& r, const Field& f, std::map<std::string, Network>& out) {
    r.map(
        f, {},
        [&](const Field& k) {
            if (auto ok = check_network_name(k.name); !ok) {
                r.error(Reader::mark(k.key), ok.error());
                return;
            }
            Network net;
            net.name = k.name;
            net.mark = Reader::mark(k.key);
            size_t before = r.diag.size();
            read_network(r, k, net);
            // A network with a reported problem is left out, and attachments to it are not
            // checked: "no subnet" on every machine would only repeat the first message.
            if (r.diag.size() == before)
                out.emplace(k.name, std::move(net));
            else
                r.broken_networks.insert(k.name);
        },
        true);
}

void read_attachments(Reader& r, const Field& f, std::vector<NetworkAttachment>& out) {
    r.list(f, [&](const Field& item, size_t) {
        NetworkAttachment a;
        a.mark = Reader::mark(item.value);
        std::optional<Field> net_f, ip_f, dhcp_f;
        std::optional<uint32_t> ip;
        bool bad = false, net_seen = false;
        // Problems name the machine only when they depend on the loop iteration.
        std::optional<Str> ip_text,
            net_text;  // a value was reported: no follow-up errors about this entry
        bool ok = r.map(item, attachment_keys_mac, [&](const Field& k) {
            if (k.name == "network") {
                net_seen = true;
                if ((net_text = r.nonempty(k))) a.network = net_text->text, net_f = k;
            } else if (k.name == "ip") {
                ip_f = k;
                ip_text = r.str(k);
                if (ip_text) {
                    auto v = inet::parse_ipv4(ip_text->text);
                    if (v)
                        ip = *v, a.ip = inet::format_ipv4(*v);
                    else
                        r.error(k, v.error() + r.in(*ip_text));
                }
                if (!ip) bad = true;
            } else if (k.name == "dhcp") {
                dhcp_f = k;
                if (auto b = r.boolean(k))
                    a.dhcp = *b;
                else
                    bad = true;
            } else if (k.name == "mac") {
                if (auto m = r.parsed<std::string>(k, inet::parse_mac))
                    a.mac = *m;
                else
                    bad = true;
            }
        });
        if (!ok) return;
        if (!net_f) {
            if (!net_seen)
                r.error(item,
                        "network attachment needs 'network:' naming one of the project's "
                        "networks");
            return;
        }
        auto it = r.networks->find(a.network);
        if (it == r.networks->end() && r.broken_networks.count(a.network)) return;
        if (it == r.networks->end()) {
            std::vector<std::string_view> names;
            for (auto& [n, _] : *r.networks) names.push_back(n);
            r.error(*net_f,
                    "unknown network '" + a.network + "'" + did_you_mean(a.network, names) +
                        (names.empty() ? " (no networks are defined under 'networks:')" : "") +
                        r.in(*net_text));
            return;
        }
        const Network& net = it->second;
        if (bad) return;
        if (ip_f && a.dhcp) {
            r.error(*dhcp_f, "give either 'ip' or 'dhcp: true', not both");
            return;
        }
        if (ip) {
            std::string where = r.in(*ip_text);
            a.mark = Reader::mark(*ip_f);
            if (net.subnet.empty()) {
                r.error(*ip_f, "static ip " + a.ip + " on network '" + net.name +
                                   "', which has no subnet (add subnet: to the network or use "
                                   "dhcp: true)" +
                                   where);
                return;
            }
            inet::Cidr c = *inet::parse_cidr(net.subnet);
            std::string why;
            if (!c.contains(*ip))
                why = " is outside network '";
            else if (*ip == c.network)
                why = " is the network address of '";
            else if (*ip == c.broadcast())
                why = " is the broadcast address of '";
            if (!why.empty()) {
                r.error(*ip_f, "ip " + a.ip + why + net.name + "' (" + net.subnet + ")" + where);
                return;  // kept out of the duplicate checks: one message per mistake
            }
            if (net.type == NetworkType::HostOnly && *ip == c.network + 1) {
                r.error(*ip_f, "ip " + a.ip + " is the host's own address on host-only network '" +
                                   net.name + "'; machines start at .2" + where);
                return;
            }
            out.push_back(std::move(a));
            return;
        }
        if (dhcp_f && !a.dhcp) {
            r.error(*dhcp_f, "'dhcp: false' needs an 'ip:'" + r.in(*net_text));
            return;
        }
        bool serves_dhcp =
            net.dhcp || net.type == NetworkType::Bridged || net.type == NetworkType::Nat;
        if (!serves_dhcp) {
            r.error(dhcp_f ? Reader::mark(*dhcp_f) : Reader::mark(*net_f),
                    std::string(dhcp_f ? "" : "no 'ip' given and ") + "network '" + net.name +
                        "' serves no DHCP (give 'ip:' or set 'dhcp: true' on the network)" +
                        r.in(*net_text));
            return;
        }
        a.dhcp = true;
        out.push_back(std::move(a));
    });
}

}  // namespace env::envfile

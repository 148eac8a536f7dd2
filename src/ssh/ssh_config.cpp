#include "ssh/ssh_config.h"

namespace env::ssh {
namespace {

// ssh_config(5) splits arguments on whitespace unless they are double-quoted.
std::string quoted(const std::string& s) {
    if (s.find_first_of(" \t\"") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            continue;  // cannot be escaped in ssh_config; such paths are rejected upstream
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string ssh_config_block(const SshConfigEntry& e) {
    std::string b;
    b += "Host " + e.host_alias + "\n";
    b += "  HostName " + e.host_name + "\n";
    b += "  Port " + std::to_string(e.port) + "\n";
    b += "  User " + e.user + "\n";
    b += "  IdentityFile " + quoted(e.identity_file) + "\n";
    b += "  IdentitiesOnly yes\n";
    b += "  UserKnownHostsFile " + quoted(e.known_hosts_file) + "\n";
    b += "  StrictHostKeyChecking yes\n";
    // The pinned key is the only one: do not let ssh learn or prefer others.
    b += "  HostKeyAlgorithms ssh-ed25519\n";
    b += "  PasswordAuthentication no\n";
    b += "  LogLevel ERROR\n";
    return b;
}

}  // namespace env::ssh

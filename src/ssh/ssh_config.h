#pragma once
// `env ssh-config`: a Host block that plain OpenSSH accepts, so users can run `ssh`, `scp`,
// `rsync -e ssh` or an IDE against a machine (like `vagrant ssh-config`).
#include <string>

namespace env::ssh {

struct SshConfigEntry {
    std::string host_alias;  // the "Host" name, usually the machine name
    std::string host_name = "127.0.0.1";
    int port = 22;
    std::string user;
    std::string identity_file;
    std::string known_hosts_file;  // holds only the pinned host key
};

// Paths are quoted when they hold spaces; StrictHostKeyChecking is yes because the host key
// is pinned in known_hosts_file before first boot.
std::string ssh_config_block(const SshConfigEntry& e);

}  // namespace env::ssh

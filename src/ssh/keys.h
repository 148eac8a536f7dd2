#pragma once
// Per-machine SSH keys (DESIGN.md, "Boxes": no shared insecure key, the host key is pinned).
// Both pairs are ed25519 and generated here before first boot: the user key goes into the
// guest's authorized_keys, the host key into the guest's sshd/dropbear, so that the very
// first connection can already be verified against a key we made ourselves.
#include <string>

#include "ssh/handles.h"
#include "util/error.h"

namespace env::ssh {

// Paths of one machine's keys, all inside its state directory.
struct MachineKeys {
    std::string identity_file;         // id_ed25519, OpenSSH private key format, 0600
    std::string public_key_file;       // id_ed25519.pub, one "ssh-ed25519 AAAA... comment" line
    std::string host_key_file;         // ssh_host_ed25519_key, OpenSSH private key format, 0600
    std::string host_public_key_file;  // ssh_host_ed25519_key.pub
};

// Generates an ed25519 pair: private key (OpenSSH format, mode 0600) at `private_path` and
// its public key line at `private_path + ".pub"`. Overwrites atomically.
Result<> generate_key_pair(const std::string& private_path, const std::string& comment);

// Creates the machine's user and host key pairs in `dir` unless they all already exist
// (keys survive halt/up; only destroy removes them).
Result<MachineKeys> ensure_machine_keys(const std::string& dir, const std::string& machine);

// The public half of a key read from any of: an OpenSSH private key, a public key line
// ("ssh-ed25519 AAAA... comment"), or a known_hosts file (its first usable entry), so a
// pinned host key can be given as whatever file the caller holds (SshInfo has known_hosts).
Result<KeyPtr> load_public_key(const std::string& path);

// "ssh-ed25519 AAAA..." (type and base64, no comment) read from any file load_public_key takes.
Result<std::string> public_key_line(const std::string& key_file);

// The known_hosts line OpenSSH expects for a non-default port: "[127.0.0.1]:2222 <key>".
std::string known_hosts_line(const std::string& host, int port, const std::string& public_key);

// Writes a known_hosts file holding only the machine's pinned host key for host:port.
Result<> write_known_hosts(const std::string& path, const std::string& host, int port,
                           const std::string& host_public_key_file);

// SHA256:... fingerprint as OpenSSH prints it, for error messages and logs.
Result<std::string> fingerprint(const std::string& key_file);

}  // namespace env::ssh

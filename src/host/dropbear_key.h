#pragma once
// Dropbear reads host keys only in its own format, so the machine's pinned host key
// (an OpenSSH-format ed25519 key made by ssh::ensure_machine_keys) is rewritten here instead
// of running dropbearconvert on the host.
//   OpenSSH  (PROTOCOL.key): "openssh-key-v1\0", cipher "none", kdf "none", one key; the
//            private section holds "ssh-ed25519", pub(32), priv(64 = seed + pub), comment.
//   Dropbear (signkey.c, ed25519.c buf_put_ed25519_priv_key): string "ssh-ed25519",
//            string(seed(32) + pub(32)).
#include <string>

#include "util/error.h"

namespace env::host {

// Bytes of a dropbear-format host key file for the unencrypted OpenSSH ed25519 key at path.
Result<std::string> dropbear_host_key_from_openssh(const std::string& openssh_key_path);

}  // namespace env::host

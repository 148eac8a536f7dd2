#pragma once
// The machine's SSH keys as first-boot files (DESIGN.md, "Boxes": no shared insecure key,
// the host key is pinned): the user key's public half into the SSH user's authorized_keys,
// the host key into the box's SSH server, in the format and place that server reads.
//   dropbear: <host_key_dir or /etc/dropbear>/dropbear_ed25519_host_key (dropbear format)
//   openssh:  <host_key_dir or /etc/ssh>/ssh_host_ed25519_key (+ .pub)
// The box says which server it runs in metadata.json "ssh" (box_layout.h); a box that does
// not is taken to run OpenSSH unless its command is dropbear.
#include <string>
#include <vector>

#include "providers/container/box_layout.h"
#include "providers/container/seed_files.h"
#include "ssh/keys.h"

namespace env::container {

Result<std::vector<SeedFile>> ssh_key_seeds(const ContainerBox& box, const std::string& user,
                                            const ssh::MachineKeys& keys);

}  // namespace env::container

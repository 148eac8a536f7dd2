#pragma once
// The key-installation seam: files the caller wants in the machine before its first boot
// (the SSH engineer's authorized_keys for the box user, host keys, ...). They are written
// straight into the overlay's upper layer, so the box stays untouched and the machine sees
// them as its own files from the first instant.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace env::container {

struct SeedFile {
    std::string path;  // absolute, inside the machine: "/home/env/.ssh/authorized_keys"
    std::string content;
    mode_t mode = 0600;
    std::string owner;  // user name from the box's /etc/passwd; "" = root
};

struct PasswdEntry {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
};

// Looks the user up in <root>/etc/passwd.
Result<PasswdEntry> lookup_user(const std::string& root, const std::string& user);

// Missing parent directories are created in upper: copies of the lower layer's ones (mode
// and owner) where the box has them; otherwise owned by root, except the owner's home and
// what lies below it, which belong to the owner (".ssh" gets 0700).
// id_offset is added to every owner: in user-namespace mode, the host id of the container's
// root (the box's files are id-mapped by that much; the upper layer holds host ids).
Result<> write_seed_files(const std::string& lower, const std::string& upper,
                          const std::vector<SeedFile>& files, uint32_t id_offset = 0);

}  // namespace env::container

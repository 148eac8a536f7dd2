#pragma once
// Copies a local file or directory tree to a machine over SFTP, keeping permission bits
// (the remote umask is overridden with an explicit chmod) and symlinks as symlinks.
// Needs the guest's SFTP subsystem (OpenSSH's sftp-server; dropbear uses the same binary).
#include <string>

#include "ssh/session.h"
#include "util/error.h"

namespace env::ssh {

struct UploadStats {
    size_t files = 0, dirs = 0, bytes = 0;
};

// `local` lands exactly at `remote`: a file becomes that file, a directory becomes that
// directory with the same contents (created if missing, merged if it exists). Missing
// parent directories of `remote` are not created (as with scp).
Result<UploadStats> upload(const Session& session, const std::string& local,
                           const std::string& remote);

}  // namespace env::ssh

#pragma once
// Copies a local file or directory tree to a machine, keeping permission bits (the remote
// umask is overridden with an explicit chmod) and symlinks as symlinks. Uses SFTP when the
// guest has the subsystem (OpenSSH's sftp-server; dropbear looks for /usr/lib/sftp-server);
// otherwise falls back to one `cat > file` exec per file, which only needs a POSIX shell, so
// minimal dropbear/busybox boxes work too.
#include <string>

#include "ssh/session.h"
#include "util/error.h"

namespace env::ssh {

struct UploadStats {
    size_t files = 0, dirs = 0, bytes = 0;
    bool via_sftp = true;  // false: the shell fallback was used
};

// `local` lands exactly at `remote`: a file becomes that file, a directory becomes that
// directory with the same contents (created if missing, merged if it exists). Missing
// parent directories of `remote` are not created (as with scp). `local` itself is followed
// if it is a symlink; nothing below it is (symlinks are copied as symlinks, and the tree is
// walked through open directory descriptors, so it cannot be redirected while it is read).
Result<UploadStats> upload(const Session& session, const std::string& local,
                           const std::string& remote);

}  // namespace env::ssh

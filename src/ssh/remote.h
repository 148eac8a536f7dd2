#pragma once
// The seam provisioners code against (DESIGN.md, "Seams"): running a command and uploading
// files on a machine. SshRemote (ssh_remote.h) is the real one; unit tests pass a fake that
// records calls, so provisioners are tested without a server.
#include <string>

#include "ssh/exec.h"
#include "util/error.h"

namespace env::ssh {

class Remote {
public:
    virtual ~Remote() = default;
    // Exit status of the command (see exec()); errors only for transport failures.
    virtual Result<int> exec(const std::string& command, const ExecIo& io) = 0;
    // See upload() in upload.h for the semantics of `remote`.
    virtual Result<> upload(const std::string& local, const std::string& remote) = 0;
    // The machine name, for messages.
    virtual std::string machine() const = 0;
};

}  // namespace env::ssh

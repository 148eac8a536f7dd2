#include "ssh/ssh_remote.h"

#include "ssh/upload.h"

namespace env::ssh {

Result<int> SshRemote::exec(const std::string& command, const ExecIo& io) {
    return ssh::exec(session_, command, io);
}

Result<> SshRemote::upload(const std::string& local, const std::string& remote) {
    TRY(ssh::upload(session_, local, remote));
    return {};
}

}  // namespace env::ssh

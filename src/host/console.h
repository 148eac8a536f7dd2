#pragma once
// A machine's console: a pty whose slave is the machine's console (a container's
// /dev/console and pid 1's stdin/stdout/stderr); the machine's host process copies whatever
// arrives on the master to its console log. A pty (not a plain file) because inits and shells
// expect a terminal there.
#include <sys/types.h>

#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::host {

class Console {
public:
    static Result<Console> open(const std::string& log_path);
    int master() const { return master_.get(); }
    // Owner of the slave (user-namespace mode: the container's root on the host).
    Result<> give_to(uid_t uid, gid_t gid);
    const std::string& slave_path() const { return slave_path_; }
    // Copies what is readable now (the master is non-blocking) into the log.
    void pump();

private:
    UniqueFd master_;
    UniqueFd slave_;  // held so the master never reads EIO while the container has no fd open
    UniqueFd log_;
    std::string slave_path_;
};

}  // namespace env::host

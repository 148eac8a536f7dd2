#pragma once
// The control socket of a machine's host process (the container supervisor, env-vmm),
// <state_dir>/control.sock, speaking JSON lines: the client sends one object per line, the
// process answers one object per line. The container supervisor's operations:
//   {"op":"status"} -> {"ok":true,"state":"running","supervisor":PID,"init":PID,"uptime_ms":N}
//   {"op":"stop"}   -> {"ok":true}   graceful: stop signal to init, SIGKILL after the timeout
//   {"op":"kill"}   -> {"ok":true}   SIGKILL to init at once
// After stop/kill the process keeps the connection open until it exits, so a client that
// waits for EOF knows the machine is fully down (cgroup removed, files updated). The
// socket is bound relative to the state directory (the process's cwd), so long project
// paths never hit the 108-byte sun_path limit.
#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::host {

class ControlServer {
public:
    // name: relative to the current directory.
    static Result<ControlServer> listen(const std::string& name);
    int fd() const { return fd_.get(); }
    UniqueFd accept() const;
    void remove();

private:
    UniqueFd fd_;
    std::string name_;
};

// Client side. Connects through /proc/self/fd/<dirfd>/control.sock for the same reason.
// Returns the reply line; with wait_close, returns only once the process closed the
// connection (it exited), or fails when timeout_ms passes first. peer names the process in
// errors ("supervisor").
Result<std::string> control_request(const std::string& peer, const std::string& state_dir,
                                    const std::string& op, int timeout_ms, bool wait_close = false);

}  // namespace env::host

#pragma once
// The container provider's files in a machine's state directory (.envstate/machines/<name>):
//
//   config.json      what the supervisor runs (supervisor_config.h), rewritten by every up
//   state.json       present once the machine is created: cgroup name, ssh port
//   supervisor.pid   {"supervisor": pid, "init": host pid of the container's pid 1}; the
//                    supervisor holds an exclusive flock on it while it lives, so a
//                    kill -9 is seen at once and pid reuse cannot fool us
//   supervisor.log   the supervisor's own log (stdout/stderr)
//   console.log      everything written to the container's console (/dev/console, stdio)
//   control.sock     JSON-lines control socket (control_server.h)
//   upper/ work/     the overlay's writable layer: everything the machine changed
//   rootfs/          mount point of the overlay inside the container's mount namespace
//                    (always empty seen from the host)
//   lower/           user-namespace mode only: mount point, inside the container's mount
//                    namespace, of the box's rootfs id-mapped to the container's ids
#include <sys/types.h>

#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::container {

struct MachineFiles {
    std::string dir;
    std::string config() const { return dir + "/config.json"; }
    std::string state() const { return dir + "/state.json"; }
    std::string pid() const { return dir + "/supervisor.pid"; }
    std::string supervisor_log() const { return dir + "/supervisor.log"; }
    std::string console_log() const { return dir + "/console.log"; }
    std::string control() const { return dir + "/control.sock"; }
    std::string upper() const { return dir + "/upper"; }
    std::string work() const { return dir + "/work"; }
    std::string rootfs() const { return dir + "/rootfs"; }
    std::string lower() const { return dir + "/lower"; }  // user-namespace mode: id-mapped box
};

struct SupervisorPids {
    pid_t supervisor = 0;
    pid_t init = 0;
};

enum class SupervisorLiveness {
    Absent,  // no pid file: stopped cleanly or never started
    Alive,   // the pid file's lock is held
    Dead,    // pid file left behind, nobody holds its lock: the supervisor was killed
};

// Reads the pid file and tests its lock without disturbing a living supervisor.
SupervisorLiveness probe_supervisor(const std::string& pid_file, SupervisorPids* pids = nullptr);

// The supervisor's side: creates the pid file atomically (write a temporary file, lock it,
// rename it into place) and keeps it locked for the life of the process.
class PidFile {
public:
    static Result<PidFile> create(const std::string& path, SupervisorPids pids);
    // Rewrites the content in place (same inode, lock kept).
    Result<> update(SupervisorPids pids);
    // Unlinks the file, then drops the lock: readers never see an unlocked file in place.
    void remove();
    int fd() const { return fd_.get(); }

private:
    std::string path_;
    UniqueFd fd_;
};

}  // namespace env::container

#pragma once
// A machine lock: commands that change a machine (up, halt, destroy, provision, ...) hold it
// for their whole run. It is an flock(2) on .envstate/machines/<name>/lock, so a crashed
// holder releases it automatically; the file records the holder's pid and command line so
// that a second command can say who is in the way. flock belongs to the open file
// description: a process forked while the lock is held (a supervisor) must close it, or the
// lock lives as long as that process (the fd is O_CLOEXEC, so exec drops it).
#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::state {

class MachineLock {
public:
    // Takes the lock at path (creating the file and its directory). When it is held by
    // another process: with wait=false fails at once with a Busy error naming the holder;
    // with wait=true blocks until it is free.
    static Result<MachineLock> acquire(const std::string& path, const std::string& what,
                                       const std::string& command_line, bool wait);

    MachineLock(MachineLock&&) = default;
    MachineLock& operator=(MachineLock&&) = default;
    ~MachineLock();

private:
    MachineLock(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
    UniqueFd fd_;
    std::string path_;
};

}  // namespace env::state

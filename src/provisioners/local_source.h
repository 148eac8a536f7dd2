#pragma once
// A provisioner's file on the host (file: `source`, shell: `path`), opened so that a machine
// cannot redirect it. The project is synced into machines, often writable, so a machine can
// replace `conf/` with a symlink to a host directory; the next `env provision` would then
// copy a host file into the machine. A path inside the project is therefore resolved
// beneath the project (openat2 RESOLVE_BENEATH: neither '..' nor a symlink may lead out
// of it); a path outside the project is the Envfile author's own choice and is opened as
// written. The upload then reads the opened file or directory through /proc/self/fd, so
// nothing is resolved a second time.
#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::provisioners {

class LocalSource {
public:
    // What upload() reads: /proc/self/fd/N.
    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_.get()); }
    bool is_dir() const { return dir_; }

    static Result<LocalSource> open(const std::string& project_dir, const std::string& source);

private:
    UniqueFd fd_;
    bool dir_ = false;
};

}  // namespace env::provisioners

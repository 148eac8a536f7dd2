#pragma once
// "Once" markers: <state_dir>/provisioned/<name>.done records that a provisioner finished
// on this machine. Vagrant's meaning: once is once per machine lifetime (the state dir goes
// with `env destroy`), whatever later edits to the script. The marker holds when the step
// ran and a hash of its content, so a changed step can be reported, not silently rerun.
#include <optional>
#include <string>

#include "envfile/model.h"
#include "util/error.h"

namespace env::provisioners {

struct Marker {
    std::string finished;  // UTC, ISO 8601
    std::string hash;      // content_hash() when it ran
};

class Markers {
public:
    explicit Markers(std::string state_dir) : dir_(std::move(state_dir) + "/provisioned") {}
    // The marker file's path; the name is %-escaped so any name maps to one file.
    std::string path(const std::string& name) const;
    std::optional<Marker> read(const std::string& name) const;
    // Written atomically (write_file_atomic): a crash leaves the old marker or the new one.
    Result<> record(const std::string& name, const std::string& hash) const;

private:
    std::string dir_;
};

// FNV-1a 64 of what the step does: its kind, script (inline, or the file's bytes), args,
// env, privileges, source (a file's bytes; a directory's path) and destination.
std::string content_hash(const envfile::Provisioner& p);

}  // namespace env::provisioners

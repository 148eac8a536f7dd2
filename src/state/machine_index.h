#pragma once
// The machine index in $ENV_HOME/index.json: one entry per machine of every project on
// this host, kept up to date by the commands that change machines, read by
// `env global-status` and by `env box remove` (which refuses to remove a box in use).
// Readers and writers take an flock on index.json.lock; writes are atomic.
#include <string>
#include <vector>

#include "util/error.h"

namespace env::state {

struct IndexEntry {
    std::string project_dir;
    std::string envfile;
    std::string machine;
    std::string provider;
    std::string box;
    std::string box_version;
    std::string state;    // as last recorded: running, stopped, ...
    int64_t updated = 0;  // unix seconds
};

class MachineIndex {
public:
    explicit MachineIndex(std::string path) : path_(std::move(path)) {}

    // A missing index is an empty one.
    Result<std::vector<IndexEntry>> load() const;
    // Adds or replaces the entry for (project_dir, machine).
    Result<> upsert(const IndexEntry& e);
    Result<> remove(const std::string& project_dir, const std::string& machine);
    // Drops entries whose Envfile or machine state directory no longer exists; returns them.
    Result<std::vector<IndexEntry>> prune();

private:
    template <typename F>
    Result<> update(F&& change);
    std::string path_;
};

}  // namespace env::state

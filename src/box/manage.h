#pragma once
// `env box remove/update/outdated/prune` and the Envfile's `box: name@constraint` lookup,
// as library calls so that the commands only parse flags and print.
#include <string>
#include <vector>

#include "box/add.h"
#include "box/machine_users.h"
#include "box/store.h"

namespace env::box {

// The installed box an Envfile's `box: name@constraint` names, newest match first; NotFound
// when none is installed (then `up` adds it from box_url with add()).
Result<InstalledBox> resolve(const std::string& name, const std::string& constraint,
                             const std::string& provider);
Result<InstalledBox> resolve(const Store& store, const std::string& name,
                             const std::string& constraint, const std::string& provider);

struct RemoveOptions {
    std::string name;
    std::string version;   // exact; "" with all = every version
    std::string provider;  // "" = any
    bool all = false;
    bool force = false;      // even when machines use it
    std::string index_path;  // the machine index; state::index_path() when empty
};
// Removes the selected boxes; refuses (Busy) while a known machine uses one, unless force.
// Several matches without --all or --box-version are a Usage error that lists them.
Result<std::vector<InstalledBox>> remove_boxes(const Store& store, const RemoveOptions& opts);

struct OutdatedEntry {
    std::string name, provider, installed, latest;  // latest "" when the catalog has none
    std::string catalog;
    bool outdated = false;
    std::string error;  // the catalog could not be read
};
// For every installed box (or only `name`) that came from a catalog.
Result<std::vector<OutdatedEntry>> outdated(const Store& store, const std::string& name,
                                            const DownloadOptions& dl);

// Adds the newest catalog version (matching constraint) of each outdated box.
Result<std::vector<InstalledBox>> update(const Store& store, const std::string& name,
                                         const std::string& provider, const std::string& constraint,
                                         const DownloadOptions& dl);

struct PruneAction {
    InstalledBox box;
    std::vector<MachineUse> users;  // non-empty: kept because machines use it
};
// Every version but the newest of each (name, provider); machines' boxes are kept.
Result<std::vector<PruneAction>> prune(const Store& store, bool dry_run,
                                       const std::string& index_path = "");

}  // namespace env::box

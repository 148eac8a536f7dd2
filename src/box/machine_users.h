#pragma once
// Which machines use which box, from the machine index (state::MachineIndex at
// state::index_path()) that `env up` maintains. Read tolerantly: a missing index is empty,
// and an unreadable one only warns, so that box housekeeping never depends on it.
#include <string>
#include <vector>

namespace env::box {

struct MachineUse {
    std::string project_dir, machine, provider, box, box_version, state;
};

std::vector<MachineUse> read_machine_index(const std::string& path);

// Machines using box `name`; an empty version or provider matches any, and a machine that
// recorded no version counts as using every version.
std::vector<MachineUse> machines_using(const std::vector<MachineUse>& index,
                                       const std::string& name, const std::string& version,
                                       const std::string& provider);

}  // namespace env::box

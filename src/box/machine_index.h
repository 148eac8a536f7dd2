#pragma once
// Which machines use which box, read from the machine index (core::index_path()) that
// `env up` maintains: {"machines":[{"project_dir","machine","provider","box","box_version",
// "state"}]}. Read tolerantly: a missing file is an empty index, entries lacking fields
// are skipped, and an unreadable file only warns (box removal must not depend on it).
#include <string>
#include <vector>

namespace env::box {

struct MachineUse {
    std::string project_dir, machine, provider, box, box_version, state;
};

std::vector<MachineUse> read_machine_index(const std::string& path);

// Machines using box `name`; an empty version or provider matches any.
std::vector<MachineUse> machines_using(const std::vector<MachineUse>& index, const std::string& name,
                                       const std::string& version, const std::string& provider);

}  // namespace env::box

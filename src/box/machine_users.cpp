#include "box/machine_users.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "state/machine_index.h"

namespace env::box {

std::vector<MachineUse> read_machine_index(const std::string& path) {
    std::vector<MachineUse> out;
    try {
        auto entries = state::MachineIndex(path).load();
        if (!entries) {
            spdlog::warn("ignoring the machine index: {}", entries.error().what());
            return out;
        }
        for (auto& e : *entries)
            if (!e.box.empty())
                out.push_back(
                    {e.project_dir, e.machine, e.provider, e.box, e.box_version, e.state});
    } catch (const std::exception& e) {  // a field of the wrong type
        spdlog::warn("ignoring the unreadable machine index {}: {}", path, e.what());
    }
    return out;
}

std::vector<MachineUse> machines_using(const std::vector<MachineUse>& index,
                                       const std::string& name, const std::string& version,
                                       const std::string& provider) {
    std::vector<MachineUse> out;
    for (auto& m : index) {
        if (m.box != name) continue;
        if (!version.empty() && !m.box_version.empty() && m.box_version != version) continue;
        if (!provider.empty() && !m.provider.empty() && m.provider != provider) continue;
        out.push_back(m);
    }
    return out;
}

}  // namespace env::box

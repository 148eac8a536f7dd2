#include "box/machine_index.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "util/sys.h"

namespace env::box {

std::vector<MachineUse> read_machine_index(const std::string& path) {
    std::vector<MachineUse> out;
    if (!sys::exists(path)) return out;
    auto text = sys::read_file(path);
    if (!text) {
        spdlog::warn("cannot read the machine index: {}", text.error().what());
        return out;
    }
    try {
        auto j = nlohmann::json::parse(*text);
        if (!j.is_object() || !j.contains("machines") || !j["machines"].is_array()) return out;
        auto str = [](const nlohmann::json& o, const char* k) {
            auto it = o.find(k);
            return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        for (auto& m : j["machines"]) {
            if (!m.is_object()) continue;
            MachineUse u{str(m, "project_dir"), str(m, "machine"), str(m, "provider"),
                         str(m, "box"),         str(m, "box_version"), str(m, "state")};
            if (u.box.empty()) continue;
            out.push_back(std::move(u));
        }
    } catch (const nlohmann::json::exception& e) {
        spdlog::warn("ignoring the unreadable machine index {}: {}", path, e.what());
    }
    return out;
}

std::vector<MachineUse> machines_using(const std::vector<MachineUse>& index, const std::string& name,
                                       const std::string& version, const std::string& provider) {
    std::vector<MachineUse> out;
    for (auto& m : index) {
        if (m.box != name) continue;
        // A machine that does not record its version may use any: count it.
        if (!version.empty() && !m.box_version.empty() && m.box_version != version) continue;
        if (!provider.empty() && !m.provider.empty() && m.provider != provider) continue;
        out.push_back(m);
    }
    return out;
}

}  // namespace env::box

#include "cli/machine_select.h"

namespace env::cli {

Result<std::vector<const envfile::Machine*>> up_targets(const core::Project& p,
                                                        const std::vector<std::string>& targets) {
    auto all = TRY(p.select(targets));
    if (!targets.empty()) return all;
    std::vector<const envfile::Machine*> out;
    for (auto* m : all)
        if (m->autostart) out.push_back(m);
    return out;
}

Result<const envfile::Machine*> single_machine(const core::Project& p, const std::string& name) {
    if (!name.empty()) {
        auto* m = p.envfile.find(name);
        if (!m) return TRY(p.select({name})).front();  // the NotFound error listing the known
        return m;
    }
    const auto& ms = p.envfile.machines;
    for (auto& m : ms)
        if (m.primary) return &m;
    if (ms.size() == 1) return &ms.front();
    std::string names;
    for (auto& m : ms) names += (names.empty() ? "" : ", ") + m.name;
    return fail(ErrorKind::Usage,
                "this project has several machines and no primary one; name one of: " + names);
}

}  // namespace env::cli

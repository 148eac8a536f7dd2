#include "box/manage.h"

#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "box/catalog.h"
#include "state/paths.h"

namespace env::box {

Result<InstalledBox> resolve(const Store& store, const std::string& name,
                             const std::string& constraint, const std::string& provider) {
    auto vc = TRY(VersionConstraint::parse(constraint));
    return store.find(name, vc, provider);
}

Result<InstalledBox> resolve(const std::string& name, const std::string& constraint,
                             const std::string& provider) {
    return resolve(Store::user(), name, constraint, provider);
}

Result<std::vector<InstalledBox>> remove_boxes(const Store& store, const RemoveOptions& o) {
    auto all = TRY(store.list());
    std::vector<InstalledBox> chosen;
    for (auto& b : all)
        if (b.name == o.name && (o.version.empty() || b.version == o.version) &&
            (o.provider.empty() || b.provider == o.provider))
            chosen.push_back(b);
    if (chosen.empty())
        return fail(ErrorKind::NotFound,
                    "box '" + o.name + "'" + (o.version.empty() ? "" : " version " + o.version) +
                        (o.provider.empty() ? "" : " (" + o.provider + ")") + " is not installed");
    if (chosen.size() > 1 && !o.all) {
        std::string list;
        for (auto& b : chosen)
            list += (list.empty() ? "" : ", ") + b.version + " (" + b.provider + ")";
        return fail(ErrorKind::Usage, "box '" + o.name + "' has several installed: " + list +
                                          "; pass --box-version and/or --provider, or --all");
    }
    auto index = read_machine_index(o.index_path.empty() ? state::index_path() : o.index_path);
    if (!o.force) {
        for (auto& b : chosen) {
            auto users = machines_using(index, b.name, b.version, b.provider);
            if (users.empty()) continue;
            std::string who;
            for (auto& u : users)
                who += (who.empty() ? "" : ", ") + u.machine + " in " + u.project_dir;
            return fail(ErrorKind::Busy, "box '" + b.name + "' version " + b.version + " (" +
                                             b.provider + ") is used by " + who +
                                             "; destroy those machines or pass --force");
        }
    }
    for (auto& b : chosen) TRY(store.remove(b));
    return chosen;
}

Result<std::vector<OutdatedEntry>> outdated(const Store& store, const std::string& name,
                                            const DownloadOptions& dl) {
    auto all = TRY(store.list());
    // The newest installed version per (name, provider); list() sorts newest first.
    std::map<std::pair<std::string, std::string>, InstalledBox> newest;
    for (auto& b : all)
        if ((name.empty() || b.name == name) && !newest.count({b.name, b.provider}))
            newest[{b.name, b.provider}] = b;
    if (!name.empty() && newest.empty())
        return fail(ErrorKind::NotFound, "box '" + name + "' is not installed");
    std::map<std::string, Result<Catalog>> catalogs;
    std::vector<OutdatedEntry> out;
    for (auto& [key, b] : newest) {
        OutdatedEntry e{b.name, b.provider, b.version, "", store.catalog_url(b.name), false, ""};
        if (e.catalog.empty()) {
            e.error = "not added from a catalog";
            out.push_back(e);
            continue;
        }
        auto it = catalogs.find(e.catalog);
        if (it == catalogs.end())
            it = catalogs.emplace(e.catalog, load_catalog(e.catalog, dl)).first;
        if (!it->second) {
            e.error = it->second.error().what();
        } else {
            auto pick = it->second->pick(VersionConstraint(), b.provider);
            if (pick) {
                e.latest = pick->version.str();
                auto iv = Version::parse(b.version);
                e.outdated = iv && pick->version > *iv;
            }
        }
        out.push_back(e);
    }
    return out;
}

Result<std::vector<InstalledBox>> update(const Store& store, const std::string& name,
                                         const std::string& provider, const std::string& constraint,
                                         const DownloadOptions& dl) {
    auto vc = TRY(VersionConstraint::parse(constraint));
    auto entries = TRY(outdated(store, name, dl));
    std::vector<InstalledBox> added;
    for (auto& e : entries) {
        if (!provider.empty() && e.provider != provider) continue;
        if (!e.error.empty()) {
            if (!name.empty())
                return fail(ErrorKind::Invalid, "cannot update box '" + e.name + "': " + e.error);
            spdlog::warn("skipping box '{}': {}", e.name, e.error);
            continue;
        }
        auto cat = TRY(load_catalog(e.catalog, dl));
        auto pick = cat.pick(vc, e.provider);
        if (!pick) {
            spdlog::warn("box '{}': {}", e.name, pick.error().message());
            continue;
        }
        auto iv = Version::parse(e.installed);
        if (iv && !(pick->version > *iv)) continue;
        AddOptions a;
        a.name = e.name;
        a.source = e.catalog;
        a.constraint = "= " + pick->version.str();
        a.provider = e.provider;
        a.download = dl;
        added.push_back(TRY(add(store, a)));
    }
    return added;
}

Result<std::vector<PruneAction>> prune(const Store& store, bool dry_run,
                                       const std::string& index_path) {
    auto all = TRY(store.list());
    auto index = read_machine_index(index_path.empty() ? state::index_path() : index_path);
    std::set<std::pair<std::string, std::string>> seen;
    std::vector<PruneAction> actions;
    for (auto& b : all) {
        if (seen.insert({b.name, b.provider}).second) continue;  // the newest: kept
        PruneAction a{b, machines_using(index, b.name, b.version, b.provider)};
        if (a.users.empty() && !dry_run) TRY(store.remove(b));
        actions.push_back(std::move(a));
    }
    return actions;
}

}  // namespace env::box

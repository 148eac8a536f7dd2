#include "box/catalog.h"

#include "box/checksum.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace env::box {

bool is_url(const std::string& s) {
    return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("file://");
}

std::string resolve_url(const std::string& base, const std::string& url) {
    if (is_url(url) || url.starts_with("/")) return url;
    std::string dir;
    if (is_url(base)) {
        // Drop the query and the last path component; keep scheme://host/.
        std::string b = base.substr(0, base.find_first_of("?#"));
        size_t host_start = b.find("://") + 3;
        size_t slash = b.rfind('/');
        dir = slash == std::string::npos || slash < host_start ? b + "/" : b.substr(0, slash + 1);
    } else {
        size_t slash = base.rfind('/');
        dir = slash == std::string::npos ? "" : base.substr(0, slash + 1);
    }
    return dir + url;
}

Result<Catalog> Catalog::parse(const std::string& text, const std::string& location) {
    auto bad = [&](const std::string& what) {
        return fail(ErrorKind::Invalid, "catalog " + location + ": " + what);
    };
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        return bad(e.what());
    }
    Catalog c;
    c.location_ = location;
    try {
        if (!j.is_object()) return bad("not a JSON object");
        if (!j.contains("name") || !j["name"].is_string()) return bad("'name' is missing");
        c.name_ = j["name"].get<std::string>();
        c.description_ = j.value("description", std::string());
        if (!j.contains("versions") || !j["versions"].is_array())
            return bad("'versions' is missing");
        for (auto& jv : j["versions"]) {
            if (!jv.is_object() || !jv.contains("version") || !jv["version"].is_string())
                return bad("a version entry has no 'version'");
            auto v = Version::parse(jv["version"].get<std::string>());
            if (!v) return bad(v.error().message());
            CatalogVersion cv{*v, {}};
            for (auto& jp : jv.value("providers", nlohmann::json::array())) {
                CatalogProvider p;
                p.name = jp.value("name", std::string());
                p.url = jp.value("url", std::string());
                if (p.name.empty() || p.url.empty())
                    return bad("version " + v->str() + ": a provider needs 'name' and 'url'");
                p.url = resolve_url(location, p.url);
                p.checksum = jp.value("checksum", std::string());
                if (!p.checksum.empty()) {
                    auto t = normalize_checksum_type(jp.value("checksum_type", std::string()));
                    if (!t) return bad("version " + v->str() + ": " + t.error().message());
                    p.checksum_type = *t;
                }
                cv.providers.push_back(std::move(p));
            }
            c.versions_.push_back(std::move(cv));
        }
    } catch (const nlohmann::json::exception& e) {
        return bad(e.what());
    }
    std::stable_sort(c.versions_.begin(), c.versions_.end(),
                     [](auto& a, auto& b) { return a.version > b.version; });
    return c;
}

Result<CatalogChoice> Catalog::pick(const VersionConstraint& constraint,
                                    const std::string& provider) const {
    for (auto& v : versions_) {  // newest first
        if (!constraint.matches(v.version)) continue;
        for (auto& p : v.providers)
            if (provider.empty() || p.name == provider) return CatalogChoice{v.version, p};
    }
    std::string have;
    for (auto& v : versions_) {
        have += have.empty() ? "" : ", ";
        have += v.version.str() + " (";
        for (size_t i = 0; i < v.providers.size(); ++i)
            have += (i ? "," : "") + v.providers[i].name;
        have += ")";
    }
    return fail(ErrorKind::NotFound,
                "box '" + name_ + "' in " + location_ + " has no version" +
                    (constraint.empty() ? "" : " matching '" + constraint.str() + "'") +
                    (provider.empty() ? "" : " for provider " + provider) +
                    "; available: " + (have.empty() ? "none" : have));
}

}  // namespace env::box

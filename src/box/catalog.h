#pragma once
// A box catalog in Vagrant's JSON format:
//   {"name": "env/debian-12", "description": "...",
//    "versions": [{"version": "1.2.0",
//                  "providers": [{"name": "container", "url": "debian-12-1.2.0.box",
//                                 "checksum_type": "sha256", "checksum": "ab12..."}]}]}
// A url may be http(s)://, file:// or a path relative to the catalog's own location.
#include <optional>
#include <string>
#include <vector>

#include "box/version.h"
#include "util/error.h"

namespace env::box {

struct CatalogProvider {
    std::string name;  // container | kvm
    std::string url;   // already resolved against the catalog's location
    std::string checksum_type;
    std::string checksum;
};

struct CatalogVersion {
    Version version;
    std::vector<CatalogProvider> providers;
};

struct CatalogChoice {
    Version version;
    CatalogProvider provider;
};

class Catalog {
public:
    // `location` is where the text came from (a path or URL), for relative urls and messages.
    static Result<Catalog> parse(const std::string& text, const std::string& location);

    const std::string& name() const { return name_; }
    const std::string& description() const { return description_; }
    const std::string& location() const { return location_; }
    const std::vector<CatalogVersion>& versions() const { return versions_; }

    // The newest version matching the constraint that offers the provider (any provider when
    // empty). NotFound names the constraint and lists what the catalog has.
    Result<CatalogChoice> pick(const VersionConstraint& constraint,
                               const std::string& provider) const;

private:
    std::string name_, description_, location_;
    std::vector<CatalogVersion> versions_;
};

// Resolves `url` against `base` (a path or URL of the catalog): absolute URLs and paths stay.
std::string resolve_url(const std::string& base, const std::string& url);
bool is_url(const std::string& s);  // http://, https:// or file://

}  // namespace env::box

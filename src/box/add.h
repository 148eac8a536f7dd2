#pragma once
// `env box add` as a library call, also used by `env up` for a missing box with box_url.
#include <string>

#include "box/downloader.h"
#include "box/store.h"
#include "util/error.h"

namespace env::box {

struct AddOptions {
    std::string name;
    // A local .box, an http(s)/file URL of one, or a catalog JSON (path or URL).
    std::string source;
    std::string constraint;  // --box-version: catalog constraint; for a bare box "= V" or "V"
    std::string provider;    // container | kvm; "" takes the box's own or the newest in the catalog
    std::string checksum;    // overrides the catalog's
    std::string checksum_type;
    bool force = false;  // replace an installed box of the same version and provider
    DownloadOptions download;
};

Result<InstalledBox> add(const Store& store, const AddOptions& opts);

// Reads a catalog from a path or URL; Invalid when the text is not a catalog.
Result<class Catalog> load_catalog(const std::string& location, const DownloadOptions& dl);

// Whether `source` names a catalog rather than a box: a .json name, or a local file that
// starts with '{'. (A URL without .json is downloaded and sniffed in add().)
bool looks_like_catalog(const std::string& source);

}  // namespace env::box

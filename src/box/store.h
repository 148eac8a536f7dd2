#pragma once
// The box store under state::boxes_dir(), laid out as Vagrant's ~/.vagrant.d/boxes:
//
//   <name>/<version>/<provider>/metadata.json + payload   an installed box
//   <name>/metadata_url                                   the catalog it came from
//   .tmp/<id>/                                            a box being added (StagingDir)
//   .downloads/<hash>.part                                a partial download, resumed later
//   .lock                                                 held while the tree changes
//
// "/" in a name is stored as "-VAGRANTSLASH-", as Vagrant does. A box appears under
// <name>/ only through one rename(2) of a complete, verified directory, so `list` never
// sees a half-added box; whatever an interrupted add leaves in .tmp/ is removed by the next.
#include <optional>
#include <string>
#include <vector>

#include "box/metadata.h"
#include "box/version.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace env::box {

struct InstalledBox {
    std::string name, version, provider;
    std::string dir;  // absolute
    Metadata metadata;
};

// A private directory in .tmp/ locked for as long as the object lives; removed on
// destruction unless its box was installed.
class StagingDir {
public:
    StagingDir(std::string path, UniqueFd lock) : path_(std::move(path)), lock_(std::move(lock)) {}
    StagingDir(StagingDir&&) = default;
    ~StagingDir();
    const std::string& path() const { return path_; }
    std::string box_dir() const { return path_ + "/box"; }

private:
    std::string path_;
    UniqueFd lock_;
};

class Store {
public:
    explicit Store(std::string root);
    // The store of the current user: state::boxes_dir().
    static Store user();

    const std::string& root() const { return root_; }
    std::string dir_for(const std::string& name, const std::string& version,
                        const std::string& provider) const;

    // Every installed box, sorted by name, then newest version first.
    Result<std::vector<InstalledBox>> list() const;
    // The newest installed version of `name` matching the constraint and provider (any when
    // empty). NotFound names what is installed.
    Result<InstalledBox> find(const std::string& name, const VersionConstraint& constraint,
                              const std::string& provider) const;

    Result<StagingDir> stage() const;
    // Removes what interrupted adds left in .tmp/ (only directories no live add holds).
    void clean_debris() const;
    // Moves staging.box_dir() into place. An existing box is an error unless replace.
    Result<InstalledBox> install(StagingDir& staging, const std::string& name,
                                 const std::string& version, const std::string& provider,
                                 bool replace) const;
    Result<> remove(const InstalledBox& box) const;

    std::string catalog_url(const std::string& name) const;
    Result<> set_catalog_url(const std::string& name, const std::string& url) const;
    std::string download_path(const std::string& url) const;

    // An exclusive lock on the store for changes to its tree (blocks).
    Result<UniqueFd> lock() const;

    static Result<> validate_name(const std::string& name);
    static std::string escape_name(const std::string& name);
    static std::string unescape_name(const std::string& dir);

private:
    std::string root_;
};

// Bytes on disk under dir (allocated blocks, each inode once).
uint64_t disk_usage(const std::string& dir);

}  // namespace env::box

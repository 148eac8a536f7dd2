#pragma once
// Pure path rules for secure extraction, kept apart from libarchive so that tests can pin
// them directly. Paths are archive member names, always relative to the box's root.
#include <string>
#include <vector>

#include "util/error.h"

namespace env::box {

// "./a//b/./c" -> "a/b/c". Absolute names and ".." components are errors naming the entry;
// "" (the archive's "./") means the root itself.
Result<std::string> normalize_member(const std::string& name);

// Whether a symlink at `link` (normalized) with target `target` stays inside the box.
// Inside the rootfs (a non-empty `rootfs` prefix that `link` lies under) an absolute target
// resolves against the rootfs, as it will inside the container; elsewhere an absolute
// target points at the host and is refused. A relative target may not climb above the
// rootfs (or the box root).
bool symlink_stays_inside(const std::string& link, const std::string& target,
                          const std::string& rootfs);

// True when `path` equals `dir` or lies below it.
bool is_under(const std::string& path, const std::string& dir);

}  // namespace env::box

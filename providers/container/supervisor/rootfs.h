#pragma once
// Builds the container's root inside its (already private) mount namespace: the overlay,
// then the mount plan (mount_plan.h) with every target resolved inside the new root, then
// pivot_root. Runs in the cloned child, before the capabilities are dropped.
#include <string>
#include <vector>

#include "providers/container/mount_plan.h"
#include "util/error.h"

namespace env::container {

struct OverlayDirs {
    std::string lower;   // the box's rootfs
    std::string upper;   // state dir
    std::string work;    // state dir, same filesystem as upper
    std::string target;  // mount point (state dir/rootfs)
    // In a user namespace overlayfs keeps its metadata in user.* xattrs (overlayfs.rst,
    // "userxattr"), as trusted.* needs host privilege.
    bool userxattr = false;
};

// The option string for mount(2); rejects paths overlayfs cannot take unescaped.
Result<std::string> overlay_options(const OverlayDirs& d);

Result<> mount_overlay(const OverlayDirs& d);
// console: host path of the pty slave bound at /dev/console ("" when the plan has none).
Result<> apply_mount_plan(const std::string& root, const std::vector<MountOp>& plan,
                          const std::string& console);
// Makes root the process's "/" and detaches the old root entirely.
Result<> pivot_into(const std::string& root);

}  // namespace env::container

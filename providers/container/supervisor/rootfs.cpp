#include "providers/container/supervisor/rootfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "providers/container/supervisor/path_in_root.h"
#include "util/sys.h"

namespace env::container {

Result<std::string> overlay_options(const OverlayDirs& d) {
    for (auto* p : {&d.lower, &d.upper, &d.work})
        if (p->find_first_of(",:\\") != std::string::npos)
            return fail(ErrorKind::Invalid,
                        "overlayfs cannot use the path '" + *p + "' (it contains , : or \\)");
    return "lowerdir=" + d.lower + ",upperdir=" + d.upper + ",workdir=" + d.work +
           (d.userxattr ? ",userxattr" : "");
}

Result<> mount_overlay(const OverlayDirs& d) {
    std::string opts = TRY(overlay_options(d));
    if (::mount("overlay", d.target.c_str(), "overlay", 0, opts.c_str()) != 0)
        return fail_errno("mount overlay (" + opts + ") on " + d.target);
    return {};
}

Result<> apply_mount_plan(const std::string& root, const std::vector<MountOp>& plan,
                          const std::string& console) {
    UniqueFd root_fd = TRY(sys::open(root, O_PATH | O_DIRECTORY));
    for (auto& op : plan) {
        struct stat st;
        if (op.optional &&
            ::fstatat(root_fd.get(), op.target.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        switch (op.kind) {
            case MountOp::Kind::MakeDir:
                TRY(open_in_root(root_fd.get(), op.target, Leaf::Directory));
                break;
            case MountOp::Kind::MakeFile:
                TRY(open_in_root(root_fd.get(), op.target, Leaf::File));
                break;
            case MountOp::Kind::Symlink: {
                // Only ever inside our own /dev tmpfs, created just before.
                std::string parent = op.target.substr(0, op.target.rfind('/'));
                UniqueFd dir = TRY(open_in_root(root_fd.get(), parent, Leaf::Directory));
                std::string name = op.target.substr(op.target.rfind('/') + 1);
                if (::symlinkat(op.source.c_str(), dir.get(), name.c_str()) != 0 && errno != EEXIST)
                    return fail_errno("symlink " + op.target);
                break;
            }
            case MountOp::Kind::Mount: {
                bool file = (op.flags & MS_BIND) && (op.file || op.target.rfind("dev/", 0) == 0);
                Leaf leaf = file ? Leaf::File : Leaf::Directory;
                UniqueFd t = TRY(open_in_root(root_fd.get(), op.target, leaf));
                std::string source =
                    op.source.empty() && op.target == "dev/console" ? console : op.source;
                UniqueFd inside;  // a bind source inside the new root, held open for the mount
                if ((op.flags & MS_BIND) && !source.empty() && source[0] != '/') {
                    inside = TRY(open_in_root(root_fd.get(), source, leaf));
                    source = fd_path(inside.get());
                }
                if (::mount(source.c_str(), fd_path(t.get()).c_str(),
                            op.fstype.empty() ? nullptr : op.fstype.c_str(), op.flags,
                            op.data.empty() ? nullptr : op.data.c_str()) != 0)
                    return fail_errno("mount " + (op.fstype.empty() ? source : op.fstype) +
                                      " on /" + op.target);
                break;
            }
            case MountOp::Kind::Remount: {
                UniqueFd t = TRY(open_in_root(root_fd.get(), op.target, Leaf::Directory));
                if (::mount(nullptr, fd_path(t.get()).c_str(), nullptr, op.flags,
                            op.data.empty() ? nullptr : op.data.c_str()) != 0)
                    return fail_errno("remount /" + op.target);
                break;
            }
        }
    }
    return {};
}

Result<> pivot_into(const std::string& root) {
    // pivot_root(".", ".") stacks the old root on top of the new one; unmounting "."
    // then removes the old root without needing a directory for it (pivot_root(2), NOTES).
    if (::chdir(root.c_str()) != 0) return fail_errno("chdir " + root);
    if (::syscall(SYS_pivot_root, ".", ".") != 0) return fail_errno("pivot_root " + root);
    if (::umount2(".", MNT_DETACH) != 0) return fail_errno("detach the old root");
    if (::chdir("/") != 0) return fail_errno("chdir /");
    return {};
}

}  // namespace env::container

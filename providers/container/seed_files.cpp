#include "providers/container/seed_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "providers/container/mount_plan.h"
#include "util/sys.h"

namespace env::container {

Result<PasswdEntry> lookup_user(const std::string& root, const std::string& user) {
    if (user.empty() || user == "root") return PasswdEntry{0, 0, "/root"};
    auto text = TRY(sys::read_file(root + "/etc/passwd"));
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::istringstream fields(line);
        std::string x;
        while (std::getline(fields, x, ':')) f.push_back(x);
        if (f.size() >= 6 && f[0] == user) {
            try {
                return PasswdEntry{static_cast<uid_t>(std::stoul(f[2])),
                                   static_cast<gid_t>(std::stoul(f[3])), f[5]};
            } catch (...) {
                break;
            }
        }
    }
    return fail(ErrorKind::Invalid, "user '" + user + "' is not in the box's /etc/passwd");
}

Result<> write_seed_files(const std::string& lower, const std::string& upper,
                          const std::vector<SeedFile>& files, uint32_t id_offset) {
    for (auto& f : files) {
        std::string rel = TRY(normalize_target(f.path));
        PasswdEntry owner = TRY(lookup_user(lower, f.owner));
        std::string home_rel = owner.home.size() > 1 ? owner.home.substr(1) : "";
        // Walk the parents: each must be a real directory in the box (a symlink would be
        // shadowed by a directory in upper, changing the box) or absent.
        size_t pos = 0;
        while ((pos = rel.find('/', pos)) != std::string::npos) {
            std::string dir = rel.substr(0, pos++);
            std::string in_upper = upper + "/" + dir, in_lower = lower + "/" + dir;
            struct stat st;
            if (::lstat(in_upper.c_str(), &st) == 0) continue;
            bool owned =
                !home_rel.empty() && (dir == home_rel || dir.rfind(home_rel + "/", 0) == 0);
            uid_t uid = owned ? owner.uid : 0;
            gid_t gid = owned ? owner.gid : 0;
            mode_t mode = dir.size() >= 4 && dir.substr(dir.size() - 4) == ".ssh" ? 0700 : 0755;
            if (::lstat(in_lower.c_str(), &st) == 0) {
                if (!S_ISDIR(st.st_mode))
                    return fail(ErrorKind::Invalid, "cannot seed " + f.path + ": /" + dir +
                                                        " is not a directory in the box");
                uid = st.st_uid, gid = st.st_gid, mode = st.st_mode & 07777;
            }
            if (::mkdir(in_upper.c_str(), mode) != 0) return fail_errno("mkdir " + in_upper);
            if (::chown(in_upper.c_str(), uid + id_offset, gid + id_offset) != 0 ||
                ::chmod(in_upper.c_str(), mode) != 0)
                return fail_errno("set owner of " + in_upper);
        }
        std::string target = upper + "/" + rel;
        // No fsync: these precede a first boot that a host crash would repeat anyway.
        UniqueFd fd = TRY(sys::open(target, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, f.mode));
        TRY(sys::write_all(fd.get(), f.content));
        if (::fchown(fd.get(), owner.uid + id_offset, owner.gid + id_offset) != 0 ||
            ::fchmod(fd.get(), f.mode) != 0)
            return fail_errno("set owner of " + target);
    }
    return {};
}

}  // namespace env::container

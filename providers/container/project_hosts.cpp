#include "providers/container/project_hosts.h"

#include <unistd.h>

#include <cerrno>

#include "providers/container/seed_files.h"
#include "util/sys.h"

namespace env::container {

Result<> use_project_hosts(const std::string& state_dir, const std::string& upper,
                           const std::string& hostname, uint32_t id_offset, bool on_networks,
                           std::vector<BindMount>& binds) {
    const std::string dir = state_dir + "/etc-env", link = upper + "/etc/hosts";
    char target[64] = {};
    bool ours = ::readlink(link.c_str(), target, sizeof target - 1) > 0 &&
                std::string(target) == "env/hosts";
    if (!on_networks || !sys::exists(dir + "/hosts")) {
        if (!ours) return {};
        ::unlink(link.c_str());
        return write_seed_files(upper, upper,
                                {{"/etc/hosts",
                                  "127.0.0.1\tlocalhost\n127.0.1.1\t" + hostname +
                                      "\n::1\tlocalhost ip6-localhost ip6-loopback\n",
                                  0644, ""}},
                                id_offset);
    }
    binds.push_back({dir, "/etc/env", true});
    if (ours) return {};
    TRY(sys::make_dirs(upper + "/etc", 0755));
    if (::unlink(link.c_str()) != 0 && errno != ENOENT) return fail_errno("unlink " + link);
    if (::symlink("env/hosts", link.c_str()) != 0) return fail_errno("symlink " + link);
    if (::lchown(link.c_str(), id_offset, id_offset) != 0) return fail_errno("lchown " + link);
    return {};
}

}  // namespace env::container

#include "provisioners/local_source.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

namespace env::provisioners {
namespace {

// The part of `path` below `dir`, or nullopt when it is not below it (both lexically
// normal and absolute, as the Envfile reader makes them).
std::optional<std::string> below(const std::string& dir, const std::string& path) {
    std::filesystem::path rel = std::filesystem::path(path).lexically_relative(dir);
    if (rel.empty() || *rel.begin() == "..") return std::nullopt;
    return rel.string();
}

}  // namespace

Result<LocalSource> LocalSource::open(const std::string& project_dir, const std::string& source) {
    LocalSource s;
    auto rel = project_dir.empty() ? std::nullopt : below(project_dir, source);
    if (!rel) {
        s.fd_ = UniqueFd(::open(source.c_str(), O_PATH | O_CLOEXEC));
        if (!s.fd_) return fail_errno("open " + source);
    } else {
        UniqueFd root(::open(project_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root) return fail_errno("open the project directory " + project_dir);
        open_how how{};
        how.flags = O_PATH | O_CLOEXEC;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        long fd = ::syscall(SYS_openat2, root.get(), rel->c_str(), &how, sizeof how);
        if (fd < 0 && errno == EXDEV)
            return fail(ErrorKind::Invalid,
                        source + " leads out of the project " + project_dir +
                            " through a symlink or '..'; refused, since a machine that can "
                            "write the project could point it at any host file");
        if (fd < 0 && errno == ENOSYS) {
            // Before Linux 5.6: check the resolved path instead (racy, but still refuses a
            // link that already points out).
            std::error_code ec;
            auto real = std::filesystem::canonical(source, ec);
            auto real_dir = std::filesystem::canonical(project_dir, ec);
            if (ec || !below(real_dir.string(), real.string()))
                return fail(ErrorKind::Invalid,
                            source + " leads out of the project " + project_dir + "; refused");
            fd = ::open(real.c_str(), O_PATH | O_CLOEXEC);
        }
        if (fd < 0) return fail_errno("open " + source);
        s.fd_ = UniqueFd(static_cast<int>(fd));
    }
    struct stat st {};
    if (::fstat(s.fd_.get(), &st) != 0) return fail_errno("stat " + source);
    s.dir_ = S_ISDIR(st.st_mode);
    return s;
}

}  // namespace env::provisioners

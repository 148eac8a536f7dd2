#include "util/sys.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>

namespace env::sys {

Result<UniqueFd> open(const std::string& path, int flags, mode_t mode) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) return fail_errno("open " + path);
    return UniqueFd(fd);
}

Result<> write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno("write");
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

Result<std::string> read_all(int fd) {
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno("read");
        }
        if (n == 0) return out;
        out.append(buf, static_cast<size_t>(n));
    }
}

Result<std::string> read_file(const std::string& path) {
    UniqueFd fd = TRY(open(path, O_RDONLY));
    auto data = read_all(fd.get());
    if (!data) return std::unexpected(data.error().context("reading " + path));
    return data;
}

Result<> write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    if (dir.empty()) dir = "/";
    std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                      std::to_string(std::random_device{}() & 0xffffff);
    {
        UniqueFd fd = TRY(open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode));
        auto ok = write_all(fd.get(), data);
        if (ok && ::fsync(fd.get()) != 0) ok = fail_errno("fsync " + tmp);
        if (!ok) {
            ::unlink(tmp.c_str());
            return std::unexpected(ok.error().context("writing " + path));
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto e = fail_errno("rename " + tmp + " to " + path);
        ::unlink(tmp.c_str());
        return e;
    }
    // The rename is durable only once the directory entry is.
    UniqueFd dfd = TRY(open(dir, O_RDONLY | O_DIRECTORY));
    if (::fsync(dfd.get()) != 0) return fail_errno("fsync " + dir);
    return {};
}

Result<> make_dirs(const std::string& path, mode_t mode) {
    if (path.empty()) return {};
    std::string cur;
    size_t pos = 0;
    while (pos != std::string::npos) {
        pos = path.find('/', pos + 1);
        cur = path.substr(0, pos);
        if (cur.empty()) continue;
        if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST) return fail_errno("mkdir " + cur);
    }
    if (!is_dir(path)) return fail(ErrorKind::Io, "mkdir " + path + ": exists and is not a directory");
    return {};
}

Result<> remove_tree(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return {};
        return fail_errno("stat " + path);
    }
    auto rm = [](const char* p, const struct stat*, int, struct FTW*) -> int {
        return ::remove(p) == 0 || errno == ENOENT ? 0 : -1;
    };
    if (::nftw(path.c_str(), rm, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
        return fail_errno("remove " + path);
    return {};
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
    DIR* d = ::opendir(path.c_str());
    if (!d) return fail_errno("open directory " + path);
    std::vector<std::string> out;
    while (struct dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") out.push_back(std::move(n));
    }
    ::closedir(d);
    return out;
}

bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace env::sys

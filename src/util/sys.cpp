#include "util/sys.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <set>
#include <system_error>
#include <thread>

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

namespace {

// Temporary files that are removed unless renamed into place.
struct TmpFiles {
    std::vector<std::pair<std::string, UniqueFd>> files;
    ~TmpFiles() {
        for (auto& f : files)
            if (!f.first.empty()) ::unlink(f.first.c_str());
    }
};

std::string dir_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// Each fsync on a thread of its own but the first (which is ours).
Result<> fsync_all(const TmpFiles& tmps) {
    for (auto& [tmp, fd] : tmps.files) ::sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
    std::vector<int> errs(tmps.files.size(), 0);
    auto sync = [&](size_t i) { errs[i] = ::fsync(tmps.files[i].second.get()) == 0 ? 0 : errno; };
    {
        std::vector<std::jthread> threads;
        for (size_t i = 1; i < tmps.files.size(); ++i) {
            try {
                threads.emplace_back(sync, i);
            } catch (const std::system_error&) {
                sync(i);  // no thread to spare: in turn, then
            }
        }
        if (!tmps.files.empty()) sync(0);
    }
    for (size_t i = 0; i < errs.size(); ++i)
        if (errs[i] != 0) {
            errno = errs[i];
            return fail_errno("fsync " + tmps.files[i].first);
        }
    return {};
}

}  // namespace

Result<> write_files_atomic(const std::vector<FileContent>& files, Durability d) {
    TmpFiles tmps;
    for (auto& f : files) {
        // pid and a random part: threads of one process (machines brought up at once) and
        // other processes never share a temporary.
        std::string tmp = f.path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(std::random_device{}() & 0xffffff);
        auto fd = TRY(open(tmp, O_WRONLY | O_CREAT | O_EXCL, f.mode));
        tmps.files.emplace_back(tmp, std::move(fd));
        if (auto ok = write_all(tmps.files.back().second.get(), f.data); !ok)
            return std::unexpected(ok.error().context("writing " + f.path));
    }
    if (d == Durability::Durable) TRY(fsync_all(tmps));
    for (size_t i = 0; i < files.size(); ++i) {
        auto& tmp = tmps.files[i].first;
        if (::rename(tmp.c_str(), files[i].path.c_str()) != 0)
            return fail_errno("rename " + tmp + " to " + files[i].path);
        tmp.clear();
    }
    if (d != Durability::Durable) return {};
    // The renames are durable only once the directory entries are.
    std::set<std::string> dirs;
    for (auto& f : files) dirs.insert(dir_of(f.path));
    for (auto& dir : dirs) {
        UniqueFd dfd = TRY(open(dir, O_RDONLY | O_DIRECTORY));
        if (::fsync(dfd.get()) != 0) return fail_errno("fsync " + dir);
    }
    return {};
}

Result<> write_file_atomic(const std::string& path, std::string_view data, mode_t mode,
                           Durability d) {
    return write_files_atomic({{path, std::string(data), mode}}, d);
}

void close_in_background(UniqueFd fd) {
    if (!fd) return;
    try {
        std::thread([f = std::move(fd)]() mutable { f.reset(); }).detach();
    } catch (const std::system_error&) {
        // No thread to be had: close it here (the lambda's fd went with the exception).
    }
}

void open_standard_fds() {
    for (int fd = 0; fd <= 2; ++fd)
        if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            // The lowest free descriptor: this one, as the lower ones are open by now.
            int n = ::open("/dev/null", O_RDWR);
            if (n >= 0 && n != fd) ::close(n);
        }
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
    if (!is_dir(path))
        return fail(ErrorKind::Io, "mkdir " + path + ": exists and is not a directory");
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

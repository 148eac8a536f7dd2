#include "box/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <set>

#include <spdlog/spdlog.h>

#include "box/checksum.h"
#include "state/paths.h"
#include "util/sys.h"

namespace env::box {

namespace {

const std::string kSlash = "-VAGRANTSLASH-";

std::vector<std::string> subdirs(const std::string& dir) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.starts_with(".")) continue;
        if (sys::is_dir(dir + "/" + n)) out.push_back(n);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

std::string random_id() {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    return buf;
}

}  // namespace

StagingDir::~StagingDir() {
    if (!path_.empty()) {
        if (auto r = sys::remove_tree(path_); !r)
            spdlog::warn("cleaning {}: {}", path_, r.error().what());
    }
}

Store::Store(std::string root) : root_(std::move(root)) {}
Store Store::user() {
    return Store(state::boxes_dir());
}

std::string Store::escape_name(const std::string& name) {
    std::string out;
    for (char c : name) out += c == '/' ? kSlash : std::string(1, c);
    return out;
}

std::string Store::unescape_name(const std::string& dir) {
    std::string out = dir;
    for (size_t p; (p = out.find(kSlash)) != std::string::npos;) out.replace(p, kSlash.size(), "/");
    return out;
}

Result<> Store::validate_name(const std::string& name) {
    bool ok = !name.empty() && name.size() <= 128 && name.front() != '.' && name.front() != '/' &&
              name.back() != '/' && name.find("..") == std::string::npos &&
              name.find("//") == std::string::npos;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
              c == '/'))
            ok = false;
    if (!ok)
        return fail(
            ErrorKind::Usage,
            "invalid box name '" + name +
                "': use letters, digits, '-', '_', '.' and at most one '/' (like org/name)");
    return {};
}

std::string Store::dir_for(const std::string& name, const std::string& version,
                           const std::string& provider) const {
    return root_ + "/" + escape_name(name) + "/" + version + "/" + provider;
}

Result<std::vector<InstalledBox>> Store::list() const {
    std::vector<InstalledBox> out;
    for (auto& n : subdirs(root_)) {
        std::vector<InstalledBox> versions;
        for (auto& v : subdirs(root_ + "/" + n)) {
            for (auto& p : subdirs(root_ + "/" + n + "/" + v)) {
                std::string dir = root_ + "/" + n + "/" + v + "/" + p;
                auto m = Metadata::load(dir);
                if (!m) {
                    spdlog::warn("ignoring {}: {}", dir, m.error().what());
                    continue;
                }
                versions.push_back({unescape_name(n), v, p, dir, std::move(*m)});
            }
        }
        std::stable_sort(versions.begin(), versions.end(),
                         [](const InstalledBox& a, const InstalledBox& b) {
                             auto va = Version::parse(a.version), vb = Version::parse(b.version);
                             if (va && vb && *va != *vb) return *va > *vb;
                             return a.provider < b.provider;
                         });
        for (auto& b : versions) out.push_back(std::move(b));
    }
    return out;
}

Result<InstalledBox> Store::find(const std::string& name, const VersionConstraint& constraint,
                                 const std::string& provider) const {
    auto all = TRY(list());
    std::string have;
    for (auto& b : all) {
        if (b.name != name) continue;
        have += (have.empty() ? "" : ", ") + b.version + " (" + b.provider + ")";
        auto v = Version::parse(b.version);
        if (v && constraint.matches(*v) && (provider.empty() || b.provider == provider)) return b;
    }
    std::string want = "box '" + name + "'" +
                       (constraint.empty() ? "" : " matching '" + constraint.str() + "'") +
                       (provider.empty() ? "" : " for provider " + provider);
    return fail(ErrorKind::NotFound,
                want + " is not installed" + (have.empty() ? "" : "; installed: " + have));
}

Result<StagingDir> Store::stage() const {
    std::string tmp = root_ + "/.tmp";
    TRY(sys::make_dirs(tmp, 0700));
    std::string path = tmp + "/" + random_id();
    // Under the store lock, so that clean_debris (another add) never sees the directory
    // before its lock is taken.
    UniqueFd store_lock = TRY(lock());
    if (::mkdir(path.c_str(), 0700) != 0) return fail_errno("mkdir " + path);
    auto fd = sys::open(path + "/.lock", O_RDWR | O_CREAT, 0600);
    if (!fd || ::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
        (void)sys::remove_tree(path);
        return fail_errno("lock " + path);
    }
    return StagingDir(path, std::move(*fd));
}

void Store::clean_debris() const {
    std::string tmp = root_ + "/.tmp";
    auto store_lock = lock();  // see stage()
    if (!store_lock) return;
    DIR* d = ::opendir(tmp.c_str());
    if (!d) return;
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d))
        if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
            names.push_back(e->d_name);
    ::closedir(d);
    for (auto& n : names) {
        std::string path = tmp + "/" + n;
        // A live add holds the lock of its directory; anything unlocked is debris.
        auto fd = sys::open(path + "/.lock", O_RDWR);
        if (fd && ::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) continue;
        spdlog::debug("removing debris {}", path);
        if (auto r = sys::remove_tree(path); !r)
            spdlog::warn("cleaning {}: {}", path, r.error().what());
    }
}

Result<UniqueFd> Store::lock() const {
    TRY(sys::make_dirs(root_));
    UniqueFd fd = TRY(sys::open(root_ + "/.lock", O_RDWR | O_CREAT, 0600));
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) return fail_errno("lock " + root_);
    return fd;
}

Result<InstalledBox> Store::install(StagingDir& staging, const std::string& name,
                                    const std::string& version, const std::string& provider,
                                    bool replace) const {
    UniqueFd lk = TRY(lock());
    std::string target = dir_for(name, version, provider);
    TRY(sys::make_dirs(target.substr(0, target.rfind('/'))));
    if (sys::exists(target)) {
        if (!replace)
            return fail(ErrorKind::Invalid,
                        "box '" + name + "' version " + version + " (" + provider +
                            ") is already installed; use --force to replace it");
        // Move the old box into the staging dir so that it is removed with it.
        std::string old = staging.path() + "/old";
        if (::rename(target.c_str(), old.c_str()) != 0) return fail_errno("rename " + target);
    }
    if (::rename(staging.box_dir().c_str(), target.c_str()) != 0)
        return fail_errno("rename into " + target);
    auto m = TRY(Metadata::load(target));
    return InstalledBox{name, version, provider, target, std::move(m)};
}

Result<> Store::remove(const InstalledBox& box) const {
    UniqueFd lk = TRY(lock());
    // Rename first so that the box disappears from `list` at once, then delete at leisure.
    TRY(sys::make_dirs(root_ + "/.tmp", 0700));
    std::string doomed = root_ + "/.tmp/rm-" + random_id();
    if (::rename(box.dir.c_str(), doomed.c_str()) != 0) return fail_errno("rename " + box.dir);
    TRY(sys::remove_tree(doomed));
    std::string vdir = box.dir.substr(0, box.dir.rfind('/'));
    std::string ndir = vdir.substr(0, vdir.rfind('/'));
    ::rmdir(vdir.c_str());
    if (subdirs(ndir).empty()) {
        ::unlink((ndir + "/metadata_url").c_str());
        ::rmdir(ndir.c_str());
    }
    return {};
}

std::string Store::catalog_url(const std::string& name) const {
    auto s = sys::read_file(root_ + "/" + escape_name(name) + "/metadata_url");
    if (!s) return "";
    std::string u = *s;
    while (!u.empty() && (u.back() == '\n' || u.back() == ' ')) u.pop_back();
    return u;
}

Result<> Store::set_catalog_url(const std::string& name, const std::string& url) const {
    return sys::write_file_atomic(root_ + "/" + escape_name(name) + "/metadata_url", url + "\n");
}

std::string Store::download_path(const std::string& url) const {
    // A stable name per URL, so that a later add resumes the same partial file.
    auto h = Hasher::create("sha256");
    h->update(url.data(), url.size());
    return root_ + "/.downloads/" + h->hex().substr(0, 24) + ".box.part";
}

namespace {
thread_local uint64_t g_usage;
thread_local std::set<std::pair<dev_t, ino_t>>* g_seen;
}  // namespace

uint64_t disk_usage(const std::string& dir) {
    std::set<std::pair<dev_t, ino_t>> seen;
    g_usage = 0;
    g_seen = &seen;
    ::nftw(
        dir.c_str(),
        [](const char*, const struct stat* st, int, struct FTW*) -> int {
            if (g_seen->insert({st->st_dev, st->st_ino}).second)
                g_usage += static_cast<uint64_t>(st->st_blocks) * 512;
            return 0;
        },
        64, FTW_PHYS);
    return g_usage;
}

}  // namespace env::box

#include "box/extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <set>

#include "box/inflater.h"
#include "box/interrupt.h"
#include "box/path_guard.h"
#include "state/provider_names.h"
#include "util/progress.h"

namespace env::box {

namespace {

struct ReadDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};
using ArchiveReader = std::unique_ptr<archive, ReadDeleter>;
using ArchiveWriter = std::unique_ptr<archive, WriteDeleter>;

Result<ArchiveReader> open_reader(const std::string& path) {
    ArchiveReader a(archive_read_new());
    if (!a) return fail(ErrorKind::Internal, "archive_read_new failed");
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK)
        return fail(ErrorKind::Invalid,
                    "cannot read " + path + ": " + archive_error_string(a.get()));
    return a;
}

Error entry_error(const std::string& name, const std::string& why) {
    return Error(ErrorKind::Invalid, "unsafe box: entry '" + name + "': " + why);
}

// Walks the parents of `rel` (and `rel` itself when check_last) inside dest with lstat:
// a symlink anywhere means the write would land elsewhere. Directories already proven real
// are cached; the cache is invalidated where a non-directory entry is written.
class ParentGuard {
public:
    explicit ParentGuard(std::string dest) : dest_(std::move(dest)) {}

    Result<> check(const std::string& name, const std::string& rel, bool is_dir_entry) {
        size_t pos = 0;
        while (true) {
            size_t slash = rel.find('/', pos);
            bool last = slash == std::string::npos;
            std::string prefix = last ? rel : rel.substr(0, slash);
            if (!last && dirs_.count(prefix)) {
                pos = slash + 1;
                continue;
            }
            struct stat st;
            if (::lstat((dest_ + "/" + prefix).c_str(), &st) != 0) {
                if (errno == ENOENT) return {};  // the rest is created fresh as directories
                return std::unexpected(fail_errno("lstat " + dest_ + "/" + prefix).error());
            }
            if (S_ISLNK(st.st_mode))
                return std::unexpected(
                    entry_error(name, last ? "would replace the symlink '" + prefix + "'"
                                           : "goes through the symlink '" + prefix + "'"));
            if (last) {
                if (S_ISDIR(st.st_mode) && !is_dir_entry)
                    return std::unexpected(entry_error(name, "would replace a directory"));
                return {};
            }
            if (!S_ISDIR(st.st_mode))
                return std::unexpected(entry_error(name, "'" + prefix + "' is not a directory"));
            dirs_.insert(prefix);
            pos = slash + 1;
        }
    }

    void written(const std::string& rel, bool is_dir) {
        if (is_dir) return;
        dirs_.erase(rel);
        auto it = dirs_.lower_bound(rel + "/");
        while (it != dirs_.end() && it->starts_with(rel + "/")) it = dirs_.erase(it);
    }

private:
    std::string dest_;
    std::set<std::string> dirs_;
};

}  // namespace

ExtractPolicy policy_for(const Metadata& m) {
    ExtractPolicy p;
    p.rootfs = rootfs_prefix(m);
    p.devices_in_rootfs_dev = m.provider == state::kContainerProvider;
    p.preserve_owner = ::geteuid() == 0;
    return p;
}

Result<ExtractStats> extract_secure(const std::string& archive_path, const std::string& dest,
                                    const ExtractPolicy& policy) {
    // The Inflater must outlive the reader that pulls from it (declared first, freed last).
    Inflater inflater(archive_path);
    ArchiveReader in(archive_read_new());
    if (!in) return fail(ErrorKind::Internal, "archive_read_new failed");
    archive_read_support_format_tar(in.get());
    TRY(inflater.open(in.get()));
    ArchiveWriter out(archive_write_disk_new());
    if (!out) return fail(ErrorKind::Internal, "archive_write_disk_new failed");
    int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
                ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_NODOTDOT;
    if (policy.preserve_owner) flags |= ARCHIVE_EXTRACT_OWNER;
    archive_write_disk_set_options(out.get(), flags);

    struct stat ast;
    std::optional<Progress> progress;
    // Small boxes unpack in a blink: a bar (or ten log lines) would only be noise.
    if (policy.progress && ::stat(archive_path.c_str(), &ast) == 0 && ast.st_size > (64 << 20))
        progress.emplace("extracting", static_cast<uint64_t>(ast.st_size), policy.progress_sink);
    struct AbandonOnError {
        std::optional<Progress>& p;
        ~AbandonOnError() {
            if (p) p->abandon();  // no-op after finish()
        }
    } abandon_on_error{progress};

    ParentGuard guard(dest);
    ExtractStats stats;
    archive_entry* e = nullptr;
    for (;;) {
        int r = archive_read_next_header(in.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN)
            return fail(ErrorKind::Invalid,
                        "corrupt box " + archive_path + ": " + archive_error_string(in.get()));
        if (interrupted()) return fail(ErrorKind::Interrupted, "extraction interrupted");
        const char* raw = archive_entry_pathname(e);
        if (!raw) return fail(ErrorKind::Invalid, "unsafe box: an entry has an unreadable name");
        std::string name = raw;
        std::string rel = TRY(normalize_member(name));
        if (rel.empty()) continue;  // "./" itself: dest already exists

        mode_t type = archive_entry_filetype(e);
        const char* hard = archive_entry_hardlink(e);
        bool is_dir = type == AE_IFDIR && !hard;
        TRY(guard.check(name, rel, is_dir));

        if (hard) {
            auto norm = normalize_member(hard);
            if (!norm)
                return std::unexpected(
                    entry_error(name, "hard link to '" + std::string(hard) + "' outside the box"));
            std::string target = *norm;
            if (target.empty())
                return std::unexpected(entry_error(name, "hard link to the box root"));
            TRY(guard.check(name, target, false));
            struct stat st;
            if (::lstat((dest + "/" + target).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
                return std::unexpected(entry_error(
                    name, "hard link to '" + target + "', which is not a file extracted earlier"));
            archive_entry_set_hardlink(e, (dest + "/" + target).c_str());
        } else if (type == AE_IFLNK) {
            const char* t = archive_entry_symlink(e);
            std::string target = t ? t : "";
            if (!symlink_stays_inside(rel, target, policy.rootfs))
                return std::unexpected(
                    entry_error(name, "symlink to '" + target + "' points outside the box"));
        } else if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO) {
            bool allowed = policy.devices_in_rootfs_dev && !policy.rootfs.empty() &&
                           is_under(rel, policy.rootfs + "/dev") && rel != policy.rootfs + "/dev";
            if (!allowed)
                return std::unexpected(entry_error(
                    name, std::string(type == AE_IFIFO ? "FIFO" : "device node") + " outside " +
                              (policy.rootfs.empty() ? "a rootfs" : policy.rootfs) + "/dev"));
        } else if (type != AE_IFREG && type != AE_IFDIR) {
            return std::unexpected(entry_error(name, "unsupported file type (socket or unknown)"));
        }

        archive_entry_set_pathname(e, (dest + "/" + rel).c_str());
        r = archive_write_header(out.get(), e);
        if (r < ARCHIVE_WARN)
            return std::unexpected(entry_error(
                name, std::string("cannot extract: ") + archive_error_string(out.get())));
        guard.written(rel, is_dir);
        ++stats.entries;

        if (type == AE_IFREG && !hard && archive_entry_size(e) > 0) {
            uint64_t claimed = static_cast<uint64_t>(archive_entry_size(e));
            const void* buf;
            size_t size;
            la_int64_t offset;
            for (;;) {
                r = archive_read_data_block(in.get(), &buf, &size, &offset);
                if (r == ARCHIVE_EOF) break;
                if (r < ARCHIVE_WARN)
                    return fail(ErrorKind::Invalid, "corrupt box " + archive_path + " at entry '" +
                                                        name +
                                                        "': " + archive_error_string(in.get()));
                if (offset < 0 || static_cast<uint64_t>(offset) + size > claimed)
                    return std::unexpected(entry_error(
                        name,
                        "data beyond the " + std::to_string(claimed) + " bytes its header claims"));
                stats.bytes += size;
                if (policy.max_total_bytes && stats.bytes > policy.max_total_bytes)
                    return std::unexpected(
                        entry_error(name, "the box unpacks to more than " +
                                              Progress::human_bytes(policy.max_total_bytes)));
                if (archive_write_data_block(out.get(), buf, size, offset) < ARCHIVE_WARN)
                    return std::unexpected(entry_error(
                        name, std::string("cannot write: ") + archive_error_string(out.get())));
                if (progress) progress->update(inflater.compressed_bytes());
            }
            if (interrupted()) return fail(ErrorKind::Interrupted, "extraction interrupted");
        }
        if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN)
            return std::unexpected(entry_error(
                name, std::string("cannot finish: ") + archive_error_string(out.get())));
    }
    // Directory permissions and times are applied at close.
    if (archive_write_close(out.get()) < ARCHIVE_WARN)
        return fail(ErrorKind::Io,
                    std::string("finishing extraction: ") + archive_error_string(out.get()));
    if (progress) progress->finish();
    return stats;
}

Result<Metadata> read_box_metadata(const std::string& archive_path) {
    ArchiveReader in = TRY(open_reader(archive_path));
    archive_entry* e = nullptr;
    for (;;) {
        int r = archive_read_next_header(in.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN)
            return fail(ErrorKind::Invalid,
                        "corrupt box " + archive_path + ": " + archive_error_string(in.get()));
        const char* raw = archive_entry_pathname(e);
        auto rel = normalize_member(raw ? raw : "");
        if (!rel || *rel != "metadata.json" || archive_entry_filetype(e) != AE_IFREG) continue;
        if (archive_entry_size(e) > (1 << 20))
            return fail(ErrorKind::Invalid, "metadata.json larger than 1 MiB");
        std::string text(static_cast<size_t>(archive_entry_size(e)), '\0');
        la_ssize_t n = archive_read_data(in.get(), text.data(), text.size());
        if (n < 0 || static_cast<size_t>(n) != text.size())
            return fail(ErrorKind::Invalid,
                        "corrupt box " + archive_path + ": cannot read metadata.json");
        auto m = Metadata::parse(text);
        if (!m) return std::unexpected(m.error().context(archive_path));
        return m;
    }
    return fail(ErrorKind::Invalid, archive_path + " is not a box: it has no metadata.json");
}

}  // namespace env::box

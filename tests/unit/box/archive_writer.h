#pragma once
// Test helper: crafts tar archives (optionally gzip) with libarchive's writer, including
// the malicious entries a real tool would refuse to create.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <stdexcept>
#include <string>

#include "util/sys.h"

namespace env::box::test {

class ArchiveWriter {
public:
    explicit ArchiveWriter(const std::string& path, bool gzip = false) : a_(archive_write_new()) {
        archive_write_set_format_pax_restricted(a_);
        if (gzip) archive_write_add_filter_gzip(a_);
        if (archive_write_open_filename(a_, path.c_str()) != ARCHIVE_OK)
            throw std::runtime_error(archive_error_string(a_));
    }
    ~ArchiveWriter() { close(); }
    ArchiveWriter(const ArchiveWriter&) = delete;
    ArchiveWriter& operator=(const ArchiveWriter&) = delete;

    ArchiveWriter& file(const std::string& name, const std::string& data, mode_t mode = 0644,
                        int uid = 0) {
        return add(name, AE_IFREG, mode, data, "", "", 0, uid);
    }
    ArchiveWriter& dir(const std::string& name, mode_t mode = 0755) {
        return add(name, AE_IFDIR, mode, "", "", "", 0);
    }
    ArchiveWriter& symlink(const std::string& name, const std::string& target) {
        return add(name, AE_IFLNK, 0777, "", target, "", 0);
    }
    ArchiveWriter& hardlink(const std::string& name, const std::string& target) {
        return add(name, AE_IFREG, 0644, "", "", target, 0);
    }
    ArchiveWriter& chardev(const std::string& name, dev_t rdev) {
        return add(name, AE_IFCHR, 0666, "", "", "", rdev);
    }
    ArchiveWriter& fifo(const std::string& name) {
        return add(name, AE_IFIFO, 0644, "", "", "", 0);
    }
    // A file whose data is n zero bytes, written in chunks (for size limits).
    ArchiveWriter& zeros(const std::string& name, size_t n) {
        archive_entry* e = entry(name, AE_IFREG, 0644, n);
        archive_write_header(a_, e);
        std::string chunk(1 << 16, '\0');
        for (size_t done = 0; done < n;) {
            size_t k = std::min(chunk.size(), n - done);
            archive_write_data(a_, chunk.data(), k);
            done += k;
        }
        archive_entry_free(e);
        return *this;
    }
    void close() {
        if (a_) {
            archive_write_close(a_);
            archive_write_free(a_);
            a_ = nullptr;
        }
    }

private:
    archive_entry* entry(const std::string& name, mode_t type, mode_t mode, size_t size,
                         int uid = 0) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, name.c_str());
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, mode);
        archive_entry_set_size(e, static_cast<la_int64_t>(size));
        archive_entry_set_uid(e, uid);
        archive_entry_set_gid(e, uid);
        archive_entry_set_mtime(e, 1700000000, 0);
        return e;
    }
    ArchiveWriter& add(const std::string& name, mode_t type, mode_t mode, const std::string& data,
                       const std::string& symlink, const std::string& hardlink, dev_t rdev,
                       int uid = 0) {
        archive_entry* e = entry(name, type, mode, hardlink.empty() ? data.size() : 0, uid);
        if (!symlink.empty()) archive_entry_set_symlink(e, symlink.c_str());
        if (!hardlink.empty()) archive_entry_set_hardlink(e, hardlink.c_str());
        if (rdev) archive_entry_set_rdev(e, rdev);
        if (archive_write_header(a_, e) != ARCHIVE_OK)
            throw std::runtime_error(archive_error_string(a_));
        if (!data.empty()) archive_write_data(a_, data.data(), data.size());
        archive_entry_free(e);
        return *this;
    }
    archive* a_;
};

// A temporary directory removed with everything in it.
class TempDir {
public:
    TempDir() {
        char tmpl[] = "/tmp/env-box-test-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
        path_ = tmpl;
    }
    ~TempDir() { (void)env::sys::remove_tree(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace env::box::test

#include "ssh/upload.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "util/sys.h"

namespace env::ssh {
namespace {

class Uploader {
public:
    Uploader(const Session& s, sftp_session sftp) : session_(s), sftp_(sftp) {}

    Result<> copy(const std::string& local, const std::string& remote) {
        struct stat st {};
        if (::lstat(local.c_str(), &st) != 0) return fail_errno("stat " + local);
        if (S_ISLNK(st.st_mode)) return copy_link(local, remote);
        if (S_ISDIR(st.st_mode)) return copy_dir(local, remote, st.st_mode & 07777);
        if (S_ISREG(st.st_mode)) return copy_file(local, remote, st.st_mode & 07777);
        return fail(ErrorKind::Invalid, "cannot upload " + local + ": not a file, directory or symlink");
    }

    UploadStats stats;

private:
    Result<> sftp_fail(const std::string& what) {
        return fail(ErrorKind::Network, "machine '" + session_.machine() + "': " + what +
                                            " (SFTP error " + std::to_string(sftp_get_error(sftp_)) +
                                            "): " + ssh_get_error(session_.get()));
    }

    Result<> copy_file(const std::string& local, const std::string& remote, mode_t mode) {
        UniqueFd in = TRY(sys::open(local, O_RDONLY));
        SftpFilePtr out(sftp_open(sftp_, remote.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode));
        if (!out) return sftp_fail("cannot create " + remote);
        std::vector<char> buf(64 * 1024);
        for (;;) {
            ssize_t n = ::read(in.get(), buf.data(), buf.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                return fail_errno("read " + local);
            }
            if (n == 0) break;
            if (sftp_write(out.get(), buf.data(), static_cast<size_t>(n)) != n)
                return sftp_fail("cannot write " + remote);
            stats.bytes += static_cast<size_t>(n);
        }
        out.reset();
        // sftp_open's mode is filtered by the remote umask and ignored for existing files.
        if (sftp_chmod(sftp_, remote.c_str(), mode) != 0) return sftp_fail("cannot chmod " + remote);
        ++stats.files;
        return {};
    }

    Result<> copy_link(const std::string& local, const std::string& remote) {
        char target[4096];
        ssize_t n = ::readlink(local.c_str(), target, sizeof target - 1);
        if (n < 0) return fail_errno("readlink " + local);
        target[n] = 0;
        sftp_unlink(sftp_, remote.c_str());  // replace, as cp -a would; absence is fine
        if (sftp_symlink(sftp_, target, remote.c_str()) != 0)
            return sftp_fail("cannot create the symlink " + remote);
        ++stats.files;
        return {};
    }

    Result<> copy_dir(const std::string& local, const std::string& remote, mode_t mode) {
        // Created writable for us first; the real mode is set after the contents.
        if (sftp_mkdir(sftp_, remote.c_str(), 0700) != 0) {
            sftp_attributes a = sftp_stat(sftp_, remote.c_str());
            bool is_dir = a && a->type == SSH_FILEXFER_TYPE_DIRECTORY;
            if (a) sftp_attributes_free(a);
            if (!is_dir) return sftp_fail("cannot create the directory " + remote);
        }
        std::vector<std::string> names;
        DIR* d = ::opendir(local.c_str());
        if (!d) return fail_errno("opendir " + local);
        while (auto* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") names.push_back(n);
        }
        ::closedir(d);
        std::sort(names.begin(), names.end());
        for (const auto& n : names) TRY(copy(local + "/" + n, remote + "/" + n));
        if (sftp_chmod(sftp_, remote.c_str(), mode) != 0) return sftp_fail("cannot chmod " + remote);
        ++stats.dirs;
        return {};
    }

    const Session& session_;
    sftp_session sftp_;
};

}  // namespace

Result<UploadStats> upload(const Session& session, const std::string& local,
                           const std::string& remote) {
    SftpPtr sftp(sftp_new(session.get()));
    if (!sftp || sftp_init(sftp.get()) != SSH_OK)
        return fail(ErrorKind::Network, "machine '" + session.machine() +
                                            "': cannot start SFTP (is sftp-server installed in "
                                            "the guest?): " + ssh_get_error(session.get()));
    Uploader u(session, sftp.get());
    auto r = u.copy(local, remote);
    if (!r) return std::unexpected(r.error().context("uploading " + local + " to " + remote));
    return u.stats;
}

}  // namespace env::ssh

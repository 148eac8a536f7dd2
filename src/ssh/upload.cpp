#include "ssh/upload.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "ssh/exec.h"
#include "util/sys.h"

namespace env::ssh {
namespace {

// How long an SFTP server may take to answer its first packet before the shell is used.
constexpr std::chrono::seconds sftp_handshake_timeout{10};

// Single-quotes a word for sh: ' becomes '\''.
std::string sh_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string octal(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

// Runs a shell command on the machine; a non-zero status is an error carrying its stderr.
Result<> run_remote(const Session& session, const std::string& command, int stdin_fd) {
    std::string err;
    ExecIo io;
    io.stdin_fd = stdin_fd;
    io.on_stderr = [&](std::string_view d) { err.append(d); };
    int status = TRY(exec(session, command, io));
    if (status != 0)
        return fail(ErrorKind::Provider, "machine '" + session.machine() + "': '" + command +
                                             "' failed with status " + std::to_string(status) +
                                             (err.empty() ? "" : ": " + err));
    return {};
}

class Uploader {
public:
    Uploader(const Session& s, sftp_session sftp) : session_(s), sftp_(sftp) {}

    Result<> copy(const std::string& local, const std::string& remote) {
        struct stat st {};
        if (::lstat(local.c_str(), &st) != 0) return fail_errno("stat " + local);
        if (S_ISLNK(st.st_mode)) return copy_link(local, remote);
        if (S_ISDIR(st.st_mode)) return copy_dir(local, remote, st.st_mode & 07777);
        if (S_ISREG(st.st_mode)) return copy_file(local, remote, st.st_mode & 07777);
        return fail(ErrorKind::Invalid,
                    "cannot upload " + local + ": not a file, directory or symlink");
    }

    UploadStats stats;

private:
    Result<> sftp_fail(const std::string& what) {
        return fail(ErrorKind::Network, "machine '" + session_.machine() + "': " + what +
                                            " (SFTP error " +
                                            std::to_string(sftp_get_error(sftp_)) +
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
        if (sftp_chmod(sftp_, remote.c_str(), mode) != 0)
            return sftp_fail("cannot chmod " + remote);
        ++stats.files;
        return {};
    }

    Result<> copy_link(const std::string& local, const std::string& remote) {
        char target[4096];
        ssize_t n = ::readlink(local.c_str(), target, sizeof target - 1);
        if (n < 0) return fail_errno("readlink " + local);
        // Not sftp_symlink(): OpenSSH's sftp-server takes its two paths in reverse order
        // and libssh only compensates when the SSH server itself is OpenSSH, so behind
        // dropbear the link would be made backwards. ln -s behaves the same everywhere.
        TRY(run_remote(session_,
                       "ln -sfn -- " + sh_quote(std::string(target, static_cast<size_t>(n))) + " " +
                           sh_quote(remote),
                       -1));
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
        auto names = TRY(sys::list_dir(local));
        std::sort(names.begin(), names.end());
        for (const auto& n : names) TRY(copy(local + "/" + n, remote + "/" + n));
        if (sftp_chmod(sftp_, remote.c_str(), mode) != 0)
            return sftp_fail("cannot chmod " + remote);
        ++stats.dirs;
        return {};
    }

    const Session& session_;
    sftp_session sftp_;
};

// The fallback without SFTP: every entry is one exec of a POSIX shell command.
class ShellUploader {
public:
    explicit ShellUploader(const Session& s) : session_(s) {}

    Result<> copy(const std::string& local, const std::string& remote) {
        struct stat st {};
        if (::lstat(local.c_str(), &st) != 0) return fail_errno("stat " + local);
        std::string q = sh_quote(remote);
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = ::readlink(local.c_str(), target, sizeof target - 1);
            if (n < 0) return fail_errno("readlink " + local);
            TRY(run("ln -sfn -- " + sh_quote(std::string(target, static_cast<size_t>(n))) + " " + q,
                    -1));
            ++stats.files;
            return {};
        }
        if (S_ISDIR(st.st_mode)) {
            TRY(run("mkdir -p -- " + q + " && chmod 0700 -- " + q, -1));
            auto names = TRY(sys::list_dir(local));
            std::sort(names.begin(), names.end());
            for (const auto& n : names) TRY(copy(local + "/" + n, remote + "/" + n));
            TRY(run("chmod " + octal(st.st_mode) + " -- " + q, -1));
            ++stats.dirs;
            return {};
        }
        if (!S_ISREG(st.st_mode))
            return fail(ErrorKind::Invalid,
                        "cannot upload " + local + ": not a file, directory or symlink");
        UniqueFd in = TRY(sys::open(local, O_RDONLY));
        // rm first: cat > would follow an existing symlink at the destination.
        TRY(run("rm -f -- " + q + " && cat > " + q + " && chmod " + octal(st.st_mode) + " -- " + q,
                in.get()));
        ++stats.files;
        stats.bytes += static_cast<size_t>(st.st_size);
        return {};
    }

    UploadStats stats{.via_sftp = false};

private:
    Result<> run(const std::string& command, int stdin_fd) {
        return run_remote(session_, command, stdin_fd);
    }

    const Session& session_;
};

// Whether the server's SFTP subsystem answers the handshake (SSH_FXP_INIT for version 3,
// SSH_FXP_VERSION back) within `timeout`, on a channel of our own. libssh's sftp_init()
// spins forever at 100% CPU when the subsystem is accepted and its program is missing (the
// busybox box's dropbear runs "sh -c /usr/lib/sftp-server": not found), so it is called only
// after this says yes. The price is one extra short-lived sftp-server per upload.
bool sftp_answers(const Session& session, std::chrono::milliseconds timeout) {
    ChannelPtr ch(ssh_channel_new(session.get()));
    if (!ch || ssh_channel_open_session(ch.get()) != SSH_OK ||
        ssh_channel_request_subsystem(ch.get(), "sftp") != SSH_OK)
        return false;
    constexpr unsigned char init[9] = {0, 0, 0, 5, 1 /* SSH_FXP_INIT */, 0, 0, 0, 3};
    if (ssh_channel_write(ch.get(), init, sizeof init) != sizeof init) return false;
    unsigned char reply[5];  // length (4 bytes), then the type
    size_t got = 0;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got < sizeof reply) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        int n = ssh_channel_read_timeout(ch.get(), reply + got,
                                         static_cast<uint32_t>(sizeof reply - got), 0,
                                         static_cast<int>(std::min<int64_t>(left.count(), 100)));
        if (n < 0) return false;
        if (n == 0 && (ssh_channel_is_eof(ch.get()) || ssh_channel_is_closed(ch.get())))
            return false;
        got += static_cast<size_t>(n);
    }
    ssh_channel_send_eof(ch.get());
    return reply[4] == 2;  // SSH_FXP_VERSION
}

}  // namespace

Result<UploadStats> upload(const Session& session, const std::string& local,
                           const std::string& remote) {
    Result<UploadStats> result;
    SftpPtr sftp;
    if (sftp_answers(session, sftp_handshake_timeout)) sftp.reset(sftp_new(session.get()));
    if (sftp && sftp_init(sftp.get()) == SSH_OK) {
        Uploader u(session, sftp.get());
        auto r = u.copy(local, remote);
        result = r ? Result<UploadStats>(u.stats) : std::unexpected(r.error());
    } else {
        spdlog::debug("machine '{}': no SFTP subsystem ({}); uploading through the shell",
                      session.machine(), ssh_get_error(session.get()));
        sftp.reset();
        ShellUploader u(session);
        auto r = u.copy(local, remote);
        result = r ? Result<UploadStats>(u.stats) : std::unexpected(r.error());
    }
    if (!result)
        return std::unexpected(result.error().context("uploading " + local + " to " + remote));
    return result;
}

}  // namespace env::ssh

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

// Where an upload's entries go: the SFTP or the shell way of making each one.
class Sink {
public:
    virtual ~Sink() = default;
    virtual Result<> file(int fd, const std::string& remote, mode_t mode, UploadStats& st) = 0;
    virtual Result<> link(const std::string& target, const std::string& remote) = 0;
    // Creates the directory writable for us (its real mode is set after its contents).
    virtual Result<> dir_begin(const std::string& remote) = 0;
    virtual Result<> dir_end(const std::string& remote, mode_t mode) = 0;
};

std::string fd_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

// Walks the local tree. The root is followed if it is a symlink (the caller named it);
// below it nothing is: directories are held open and their entries reached as
// /proc/self/fd/N/NAME with O_NOFOLLOW, so a machine that can write the tree (the synced
// project) cannot swap a directory for a symlink to a host directory between our look and
// our open (issue 14).
class Walker {
public:
    Walker(Sink& sink, UploadStats& stats) : sink_(sink), stats_(stats) {}

    Result<> copy_root(const std::string& local, const std::string& remote) {
        struct stat st {};
        if (::stat(local.c_str(), &st) != 0) return fail_errno("stat " + local);
        return copy(local, local, remote, st, 0);
    }

private:
    // `at` is what the kernel resolves, `shown` what messages say.
    Result<> copy(const std::string& at, const std::string& shown, const std::string& remote,
                  const struct stat& st, int nofollow) {
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = ::readlink(at.c_str(), target, sizeof target - 1);
            if (n < 0) return fail_errno("readlink " + shown);
            TRY(sink_.link(std::string(target, static_cast<size_t>(n)), remote));
            ++stats_.files;
            return {};
        }
        if (S_ISDIR(st.st_mode)) {
            UniqueFd dir = TRY(sys::open(at, O_RDONLY | O_DIRECTORY | nofollow));
            TRY(sink_.dir_begin(remote));
            auto names = TRY(sys::list_dir(fd_path(dir.get())));
            std::sort(names.begin(), names.end());
            for (const auto& n : names) {
                std::string child = fd_path(dir.get()) + "/" + n;
                struct stat cst {};
                if (::lstat(child.c_str(), &cst) != 0) return fail_errno("stat " + shown + "/" + n);
                TRY(copy(child, shown + "/" + n, remote + "/" + n, cst, O_NOFOLLOW));
            }
            TRY(sink_.dir_end(remote, st.st_mode & 07777));
            ++stats_.dirs;
            return {};
        }
        if (!S_ISREG(st.st_mode))
            return fail(ErrorKind::Invalid,
                        "cannot upload " + shown + ": not a file, directory or symlink");
        UniqueFd in = TRY(sys::open(at, O_RDONLY | nofollow));
        struct stat now {};
        // What was opened must still be what was looked at.
        if (::fstat(in.get(), &now) != 0 || !S_ISREG(now.st_mode))
            return fail(ErrorKind::Invalid, "cannot upload " + shown + ": it changed while read");
        TRY(sink_.file(in.get(), remote, now.st_mode & 07777, stats_));
        ++stats_.files;
        return {};
    }

    Sink& sink_;
    UploadStats& stats_;
};

class SftpSink : public Sink {
public:
    SftpSink(const Session& s, sftp_session sftp) : session_(s), sftp_(sftp) {}

    Result<> file(int fd, const std::string& remote, mode_t mode, UploadStats& st) override {
        SftpFilePtr out(sftp_open(sftp_, remote.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode));
        if (!out) return sftp_fail("cannot create " + remote);
        std::vector<char> buf(64 * 1024);
        for (;;) {
            ssize_t n = ::read(fd, buf.data(), buf.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                return fail_errno("read for " + remote);
            }
            if (n == 0) break;
            if (sftp_write(out.get(), buf.data(), static_cast<size_t>(n)) != n)
                return sftp_fail("cannot write " + remote);
            st.bytes += static_cast<size_t>(n);
        }
        out.reset();
        // sftp_open's mode is filtered by the remote umask and ignored for existing files.
        if (sftp_chmod(sftp_, remote.c_str(), mode) != 0)
            return sftp_fail("cannot chmod " + remote);
        return {};
    }

    Result<> link(const std::string& target, const std::string& remote) override {
        // Not sftp_symlink(): OpenSSH's sftp-server takes its two paths in reverse order
        // and libssh only compensates when the SSH server itself is OpenSSH, so behind
        // dropbear the link would be made backwards. ln -s behaves the same everywhere.
        return run_remote(session_, "ln -sfn -- " + sh_quote(target) + " " + sh_quote(remote), -1);
    }

    Result<> dir_begin(const std::string& remote) override {
        if (sftp_mkdir(sftp_, remote.c_str(), 0700) != 0) {
            sftp_attributes a = sftp_stat(sftp_, remote.c_str());
            bool is_dir = a && a->type == SSH_FILEXFER_TYPE_DIRECTORY;
            if (a) sftp_attributes_free(a);
            if (!is_dir) return sftp_fail("cannot create the directory " + remote);
        }
        return {};
    }

    Result<> dir_end(const std::string& remote, mode_t mode) override {
        if (sftp_chmod(sftp_, remote.c_str(), mode) != 0)
            return sftp_fail("cannot chmod " + remote);
        return {};
    }

private:
    Result<> sftp_fail(const std::string& what) {
        return fail(ErrorKind::Network, "machine '" + session_.machine() + "': " + what +
                                            " (SFTP error " +
                                            std::to_string(sftp_get_error(sftp_)) +
                                            "): " + ssh_get_error(session_.get()));
    }

    const Session& session_;
    sftp_session sftp_;
};

// The fallback without SFTP: every entry is one exec of a POSIX shell command.
class ShellSink : public Sink {
public:
    explicit ShellSink(const Session& s) : session_(s) {}

    Result<> file(int fd, const std::string& remote, mode_t mode, UploadStats& st) override {
        struct stat sb {};
        ::fstat(fd, &sb);
        std::string q = sh_quote(remote);
        // rm first: cat > would follow an existing symlink at the destination.
        TRY(run_remote(session_,
                       "rm -f -- " + q + " && cat > " + q + " && chmod " + octal(mode) + " -- " + q,
                       fd));
        st.bytes += static_cast<size_t>(sb.st_size);
        return {};
    }

    Result<> link(const std::string& target, const std::string& remote) override {
        return run_remote(session_, "ln -sfn -- " + sh_quote(target) + " " + sh_quote(remote), -1);
    }

    Result<> dir_begin(const std::string& remote) override {
        std::string q = sh_quote(remote);
        return run_remote(session_, "mkdir -p -- " + q + " && chmod 0700 -- " + q, -1);
    }

    Result<> dir_end(const std::string& remote, mode_t mode) override {
        return run_remote(session_, "chmod " + octal(mode) + " -- " + sh_quote(remote), -1);
    }

private:
    const Session& session_;
};

// Reads exactly `n` bytes from the channel before the deadline; false on EOF, close, error
// or time out. Each wait is short, so a channel closed under us is noticed at once.
bool read_exactly(ssh_channel ch, unsigned char* buf, size_t n,
                  std::chrono::steady_clock::time_point deadline) {
    size_t got = 0;
    while (got < n) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        int r = ssh_channel_read_timeout(ch, buf + got, static_cast<uint32_t>(n - got), 0,
                                         static_cast<int>(std::min<int64_t>(left.count(), 100)));
        if (r < 0) return false;
        if (r == 0) {
            // libssh reports EOF (and the close) only once stderr is drained too, and until
            // then a read returns 0 at once: a missing sftp-server's "not found" on stderr
            // made this loop, like sftp_init(), spin. Discard stderr, then look again.
            char err[512];
            while (ssh_channel_read_nonblocking(ch, err, sizeof err, 1) > 0) {
            }
            if (ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch)) return false;
        }
        got += static_cast<size_t>(r);
    }
    return true;
}

// Whether the server's SFTP subsystem answers the handshake (SSH_FXP_INIT for version 3,
// SSH_FXP_VERSION back) within `timeout`, on a channel of our own. libssh's sftp_init()
// spins forever at 100% CPU when the subsystem is accepted and its program is missing (the
// busybox box's dropbear runs "sh -c /usr/lib/sftp-server": not found), so it is called only
// after this says yes. The price is one extra short-lived sftp-server per upload.
bool sftp_answers(const Session& session, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    ChannelPtr ch(ssh_channel_new(session.get()));
    if (!ch || ssh_channel_open_session(ch.get()) != SSH_OK ||
        ssh_channel_request_subsystem(ch.get(), "sftp") != SSH_OK)
        return false;
    constexpr unsigned char init[9] = {0, 0, 0, 5, 1 /* SSH_FXP_INIT */, 0, 0, 0, 3};
    if (ssh_channel_write(ch.get(), init, sizeof init) != sizeof init) return false;
    unsigned char head[5];  // length (4 bytes, big-endian), then the type
    if (!read_exactly(ch.get(), head, sizeof head, deadline) || head[4] != 2 /* VERSION */)
        return false;
    // The whole reply is read and the channel closed by both sides before it is freed:
    // dropbear refused the next channel at once when this one was dropped half-read.
    uint32_t len =
        uint32_t(head[0]) << 24 | uint32_t(head[1]) << 16 | uint32_t(head[2]) << 8 | head[3];
    if (len < 1 || len > 256 * 1024) return false;
    std::vector<unsigned char> rest(len - 1);
    if (!read_exactly(ch.get(), rest.data(), rest.size(), deadline)) return false;
    ssh_channel_send_eof(ch.get());
    unsigned char drain[256];
    while (!ssh_channel_is_eof(ch.get()) && !ssh_channel_is_closed(ch.get()) &&
           std::chrono::steady_clock::now() < deadline)
        if (ssh_channel_read_timeout(ch.get(), drain, sizeof drain, 0, 100) < 0) break;
    return true;
}

}  // namespace

Result<UploadStats> upload(const Session& session, const std::string& local,
                           const std::string& remote) {
    UploadStats stats;
    Result<> r;
    SftpPtr sftp;
    if (sftp_answers(session, sftp_handshake_timeout)) sftp.reset(sftp_new(session.get()));
    if (sftp && sftp_init(sftp.get()) == SSH_OK) {
        SftpSink sink(session, sftp.get());
        r = Walker(sink, stats).copy_root(local, remote);
    } else {
        spdlog::debug("machine '{}': no SFTP subsystem ({}); uploading through the shell",
                      session.machine(), ssh_get_error(session.get()));
        sftp.reset();
        stats.via_sftp = false;
        ShellSink sink(session);
        r = Walker(sink, stats).copy_root(local, remote);
    }
    if (!r) return std::unexpected(r.error().context("uploading " + local + " to " + remote));
    return stats;
}

}  // namespace env::ssh

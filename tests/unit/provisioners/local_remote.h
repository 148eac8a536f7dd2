#pragma once
// A Remote whose "guest" is this host: exec() runs the command with /bin/sh -c, as sshd
// would, streaming stdout and stderr in the chunks read from their pipes; upload() copies
// with upload()'s semantics (ssh/upload.h). It lets unit tests check what the shell on the
// guest really makes of the commands a provisioner builds (quoting, sudo wrapping) without
// an SSH server. `path_prefix` and `home` change the command's PATH and HOME.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "provisioners/console.h"
#include "ssh/remote.h"
#include "util/sys.h"

namespace env::provisioners::test {

class LocalRemote : public ssh::Remote {
public:
    explicit LocalRemote(std::string machine = "local") : machine_(std::move(machine)) {}

    std::string path_prefix;  // prepended to PATH, e.g. a directory of fake `sudo` and `id`
    std::string home;         // HOME for the command; empty: unchanged
    std::vector<std::string> commands;

    Result<int> exec(const std::string& command, const ssh::ExecIo& io) override {
        commands.push_back(command);
        int in[2], out[2], err[2];
        if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
            return fail_errno("pipe");
        pid_t pid = ::fork();
        if (pid < 0) return fail_errno("fork");
        if (pid == 0) {
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            if (!path_prefix.empty())
                ::setenv("PATH", (path_prefix + ":" + std::getenv("PATH")).c_str(), 1);
            if (!home.empty()) ::setenv("HOME", home.c_str(), 1);
            ::execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        // Small stdin (scripts in tests) fits the pipe buffer; write it, then EOF.
        ::signal(SIGPIPE, SIG_IGN);
        (void)sys::write_all(in[1], io.stdin_data);
        ::close(in[1]);
        pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
        int open_fds = 2;
        while (open_fds > 0) {
            if (::poll(fds, 2, -1) < 0) continue;
            for (int i = 0; i < 2; ++i) {
                if (fds[i].fd < 0 || !fds[i].revents) continue;
                char buf[4096];
                ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                if (n <= 0) {
                    ::close(fds[i].fd);
                    fds[i].fd = -1;
                    --open_fds;
                    continue;
                }
                auto& cb = i == 0 ? io.on_stdout : io.on_stderr;
                if (cb) cb(std::string_view(buf, n));
            }
        }
        int st = 0;
        ::waitpid(pid, &st, 0);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }

    Result<> upload(const std::string& local_path, const std::string& remote) override {
        // Provisioners hand over their opened source as /proc/self/fd/N; cp runs in a child,
        // whose "self" is not us, so the path names our pid instead.
        std::string local = local_path;
        if (local.starts_with("/proc/self/"))
            local = "/proc/" + std::to_string(::getpid()) + local.substr(10);
        auto q = [](const std::string& s) {
            std::string r = "'";
            for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
            return r + "'";
        };
        std::string cmd = sys::is_dir(local) ? "mkdir -p " + q(remote) + " && cp -a " +
                                                   q(local + "/.") + " " + q(remote)
                                             : "cp -p " + q(local) + " " + q(remote);
        if (::system(cmd.c_str()) != 0)
            return fail(ErrorKind::Io, "upload " + local + " to " + remote + " failed");
        uploads.push_back({local, remote});
        return {};
    }

    std::string machine() const override { return machine_; }

    struct Upload {
        std::string local, remote;
    };
    std::vector<Upload> uploads;

private:
    std::string machine_;
};

// A Console whose sinks append every write to vectors, to check what was printed and in
// which pieces.
struct CapturedConsole {
    std::vector<std::string> out, err;
    Console console() {
        Console c;
        c.out = [this](std::string_view s) { out.emplace_back(s); };
        c.err = [this](std::string_view s) { err.emplace_back(s); };
        return c;
    }
    static std::string joined(const std::vector<std::string>& v) {
        std::string s;
        for (auto& x : v) s += x;
        return s;
    }
};

}  // namespace env::provisioners::test

#include "host/detached_spawn.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "host/fd_io.h"
#include "util/sys.h"

extern char** environ;

namespace env::host {
namespace {

std::string log_tail(const std::string& path) {
    auto text = sys::read_file(path);
    if (!text || text->empty()) return "";
    std::string t = *text;
    if (t.size() > 600) t = t.substr(t.size() - 600);
    while (!t.empty() && t.back() == '\n') t.pop_back();
    return "; " + path.substr(path.rfind('/') + 1) + " ends with:\n" + t;
}

}  // namespace

void wait_process_gone(pid_t pid) {
    if (pid <= 0) return;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    while (std::chrono::steady_clock::now() < deadline) {
        auto stat = sys::read_file(path);
        if (!stat) return;
        auto paren = stat->rfind(')');
        if (paren == std::string::npos || paren + 2 >= stat->size() || (*stat)[paren + 2] == 'Z' ||
            (*stat)[paren + 2] == 'X')
            return;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

Result<std::string> find_helper_executable(const std::string& name, const std::string& env_var) {
    if (const char* e = std::getenv(env_var.c_str()); e && *e) return std::string(e);
    char self[4096];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        std::string dir(self, static_cast<size_t>(n));
        dir = dir.substr(0, dir.rfind('/'));
        for (auto candidate : {dir + "/" + name, dir + "/../libexec/env/" + name})
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return fail(ErrorKind::Provider,
                name + " not found beside the env executable (set " + env_var + ")");
}

Result<> spawn_detached(DetachedSpawn s) {
    const std::string& executable = s.executable;
    UniqueFd& held_port = s.held;
    // Everything the children need is prepared here: between fork and exec only
    // async-signal-safe calls happen, as the caller may have threads.
    UniqueFd devnull = TRY(sys::open("/dev/null", O_RDWR));
    UniqueFd log = TRY(sys::open(s.log_file, O_WRONLY | O_CREAT | O_APPEND, 0644));
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return fail_errno("pipe");
    UniqueFd ready_r(p[0]), ready_w(p[1]);
    // The child's dup2s go to fds 0..4 in order; a source that is itself one of those
    // (fd 3 for the held port, say, or 0 when we were started without stdin) would be
    // overwritten before its turn. Above them, none is.
    for (UniqueFd* fd : {&devnull, &log, &ready_w, &held_port})
        if (*fd && fd->get() <= 4) {
            UniqueFd high(::fcntl(fd->get(), F_DUPFD_CLOEXEC, 10));
            if (!high) return fail_errno("dup a descriptor for the " + s.what);
            *fd = std::move(high);
        }
    // posix_spawn (vfork semantics: the CLI's large address space is not copied) starts the
    // process in a session of its own; --detach makes it fork once more and let this child
    // exit at once, so the machine's process is nobody's child in our session.
    std::vector<std::string> args = {executable};
    args.insert(args.end(), s.args.begin(), s.args.end());
    args.insert(args.end(), {"--ready-fd", "3", "--detach"});
    if (held_port) args.insert(args.end() - 1, {s.held_flag, "4"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    if (::posix_spawn_file_actions_init(&fa) != 0) return fail(ErrorKind::Internal, "spawn");
    if (::posix_spawnattr_init(&attr) != 0) {
        ::posix_spawn_file_actions_destroy(&fa);
        return fail(ErrorKind::Internal, "spawn");
    }
    ::posix_spawn_file_actions_adddup2(&fa, devnull.get(), 0);
    ::posix_spawn_file_actions_adddup2(&fa, log.get(), 1);
    ::posix_spawn_file_actions_adddup2(&fa, log.get(), 2);
    ::posix_spawn_file_actions_adddup2(&fa, ready_w.get(), 3);
    if (held_port) ::posix_spawn_file_actions_adddup2(&fa, held_port.get(), 4);
    ::posix_spawn_file_actions_addclosefrom_np(&fa, held_port ? 5 : 4);
    ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    pid_t child = -1;
    int spawn_errno = ::posix_spawn(&child, executable.c_str(), &fa, &attr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&fa);
    ::posix_spawnattr_destroy(&attr);
    if (spawn_errno != 0) {
        errno = spawn_errno;
        return fail_errno("execute the " + s.what + " " + executable);
    }
    ready_w.reset();
    held_port.reset();  // the process has its own copy now
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return fail(ErrorKind::Provider, "could not detach the " + s.what + log_tail(s.log_file));

    auto deadline = deadline_in(s.timeout_ms);
    std::string answer;
    for (;;) {
        if (!TRY(wait_readable(ready_r.get(), deadline)))
            return fail(ErrorKind::Provider, "the " + s.what + " did not report within " +
                                                 std::to_string(s.timeout_ms) + " ms" +
                                                 log_tail(s.log_file));
        char buf[1024];
        ssize_t r = ::read(ready_r.get(), buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        answer.append(buf, static_cast<size_t>(r));
    }
    // "pid N\n" first, then "ok\n" or "error: ...\n".
    pid_t pid = 0;
    if (answer.rfind("pid ", 0) == 0) {
        pid = std::atoi(answer.c_str() + 4);
        answer = answer.substr(answer.find('\n') + 1);
    }
    while (!answer.empty() && answer.back() == '\n') answer.pop_back();
    if (answer == "ok") return {};
    wait_process_gone(pid);
    if (answer.rfind("error: ", 0) == 0) return fail(ErrorKind::Provider, answer.substr(7));
    return fail(ErrorKind::Provider,
                "the " + s.what + " exited before the machine ran" + log_tail(s.log_file));
}

}  // namespace env::host

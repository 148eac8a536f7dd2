#include "providers/container/supervisor/mini_init.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace env::container {

namespace {
char* g_title = nullptr;
size_t g_title_len = 0;
}  // namespace

void set_title_area(char* start, size_t length) {
    g_title = start;
    g_title_len = length;
}

void exec_with_env(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // execvp searches the caller's PATH, so the container's environment must be in place.
    ::clearenv();
    for (auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    ::execvp(args[0], args.data());
}

void run_mini_init(const std::vector<std::string>& command, int sync_fd) {
    ::prctl(PR_SET_NAME, "init", 0, 0, 0);
    if (g_title && g_title_len > 4) {
        std::memset(g_title, 0, g_title_len);
        std::memcpy(g_title, "init", 4);
    }
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, nullptr);
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);

    pid_t main_pid = ::fork();
    if (main_pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        exec_with_env(command, env);
        std::string msg = "Ecannot run " + command[0] + ": " + std::strerror(errno);
        ::send(sync_fd, msg.data(), msg.size(), MSG_NOSIGNAL);
        ::_exit(127);
    }
    ::close(sync_fd);
    if (main_pid < 0) ::_exit(126);

    for (;;) {
        siginfo_t info;
        int sig = ::sigwaitinfo(&all, &info);
        if (sig < 0) continue;
        if (sig == SIGCHLD) {
            int status;
            pid_t p;
            while ((p = ::waitpid(-1, &status, WNOHANG)) > 0) {
                if (p != main_pid) continue;
                ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
            }
        } else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGUSR1 ||
                   sig == SIGUSR2) {
            // kill(-1) from pid 1 reaches every other process of the namespace: sessions
            // and daemons get the same chance to finish as the main command.
            ::kill(-1, sig);
        }
    }
}

}  // namespace env::container

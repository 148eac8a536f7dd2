// env-container-supervisor <state_dir> [--ready-fd N] [--held-port-fd N] [--detach]
// Started by the container provider; see supervisor.h. Its stdout/stderr are the machine's
// supervisor.log. --detach: fork first and let the started process exit at once, so the
// supervisor is not the child of whoever started it (they wait for that exit).
// --held-port-fd: a bound socket holding the SSH forward's host port (supervisor.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "providers/container/supervisor/mini_init.h"
#include "providers/container/supervisor/network_attachment.h"
#include "providers/container/supervisor/slirp_attachment.h"
#include "providers/container/supervisor/supervisor.h"
#include "util/sys.h"

int main(int argc, char** argv) {
    std::string state_dir;
    int ready_fd = -1, held_port_fd = -1;
    bool detach = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--ready-fd") == 0 && i + 1 < argc)
            ready_fd = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--held-port-fd") == 0 && i + 1 < argc)
            held_port_fd = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--detach") == 0)
            detach = true;
        else
            state_dir = argv[i];
    }
    if (state_dir.empty()) {
        std::fprintf(stderr,
                     "usage: env-container-supervisor STATE_DIR [--ready-fd N] [--held-port-fd N] "
                     "[--detach]\n");
        return 2;
    }
    if (detach) {
        // Single-threaded here, so a plain fork is safe. Its failure reaches the starter
        // as our exit status.
        pid_t pid = ::fork();
        if (pid < 0) return 1;
        if (pid > 0) ::_exit(0);
    }
    ::umask(022);
    env::sys::open_standard_fds();  // run by hand with one closed, say
    // argv[0..argc) are contiguous: our init in the container reuses the area as its title.
    env::container::set_title_area(
        argv[0], static_cast<size_t>(argv[argc - 1] + std::strlen(argv[argc - 1]) - argv[0]));
    auto logger = spdlog::stderr_logger_st("supervisor");
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%P] [%l] %v");
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);

    // eth0 on the user-mode NAT (libslirp), serving the SSH and `ports:` forwards.
    env::container::NetworkAttachmentFactory network = [](const env::container::SupervisorConfig& c)
        -> std::unique_ptr<env::container::NetworkAttachment> {
        return std::make_unique<env::container::SlirpAttachment>(c.hostname);
    };
    // Not into the container: only this process may hold the port, so that letting it go
    // frees it.
    if (held_port_fd >= 0) ::fcntl(held_port_fd, F_SETFD, FD_CLOEXEC);
    return env::container::run_supervisor(state_dir, ready_fd, network,
                                          env::UniqueFd(held_port_fd));
}

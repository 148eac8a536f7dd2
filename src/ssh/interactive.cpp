#include "ssh/interactive.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include "ssh/channel_pump.h"
#include "ssh/raw_terminal.h"
#include "util/sys.h"
#include "util/unique_fd.h"

namespace env::ssh {
namespace {

int winch_write_fd = -1;  // the self-pipe the signal handler pokes

void on_winch(int) {
    int saved = errno;
    char c = 0;
    [[maybe_unused]] auto n = ::write(winch_write_fd, &c, 1);
    errno = saved;
}

// Installs the SIGWINCH handler and restores the previous one on destruction.
class WinchGuard {
public:
    explicit WinchGuard(int write_fd) {
        winch_write_fd = write_fd;
        struct sigaction sa {};
        sa.sa_handler = on_winch;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        ::sigaction(SIGWINCH, &sa, &old_);
    }
    ~WinchGuard() {
        ::sigaction(SIGWINCH, &old_, nullptr);
        winch_write_fd = -1;
    }

private:
    struct sigaction old_ {};
};

struct winsize terminal_size(int fd) {
    struct winsize ws {};
    if (::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) ws = {24, 80, 0, 0};
    return ws;
}

}  // namespace

Result<int> interactive(const Session& session, const InteractiveOptions& opts) {
    ssh_session s = session.get();
    auto err = [&](const std::string& what) {
        return fail(ErrorKind::Network,
                    "machine '" + session.machine() + "': " + what + ": " + ssh_get_error(s));
    };
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return fail_errno("pipe");
    UniqueFd winch_r(pipe_fds[0]), winch_w(pipe_fds[1]);

    ChannelPtr channel(ssh_channel_new(s));
    if (!channel) return err("cannot create a channel");
    if (ssh_channel_open_session(channel.get()) != SSH_OK)
        return err("cannot open a session channel");

    bool in_tty = ::isatty(opts.in_fd);
    bool pty = in_tty || opts.force_pty;
    int tty = in_tty ? opts.in_fd : opts.out_fd;
    detail::PumpOptions po;
    po.on_stdout = [&](std::string_view d) { (void)sys::write_all(opts.out_fd, d); };
    po.on_stderr = [&](std::string_view d) { (void)sys::write_all(opts.err_fd, d); };
    po.stdin_fd = opts.in_fd;
    po.send_eof = !in_tty;  // piped input ends; a terminal never does
    po.extra_fd = pty ? winch_r.get() : -1;
    po.on_extra = [&] {
        char buf[64];
        while (::read(winch_r.get(), buf, sizeof buf) > 0) {
        }
        auto ws = terminal_size(tty);
        ssh_channel_change_pty_size(channel.get(), ws.ws_col, ws.ws_row);
    };
    detail::ChannelPump pump(s, channel.get(), std::move(po));

    const char* term = std::getenv("TERM");
    auto ws = terminal_size(tty);
    if (pty && ssh_channel_request_pty_size(channel.get(), term && *term ? term : "vt100",
                                            ws.ws_col, ws.ws_row) != SSH_OK)
        return err("PTY request refused");
    int rc = opts.command ? ssh_channel_request_exec(channel.get(), opts.command->c_str())
                          : ssh_channel_request_shell(channel.get());
    if (rc != SSH_OK) return err("cannot start the session");

    WinchGuard winch(winch_w.get());
    RawTerminal raw = TRY(RawTerminal::enter(opts.in_fd));
    return pump.run(session.machine());
}

}  // namespace env::ssh

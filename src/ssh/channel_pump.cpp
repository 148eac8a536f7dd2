#include "ssh/channel_pump.h"

#include <libssh/callbacks.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace env::ssh::detail {
namespace {

int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* ud) {
    return static_cast<ChannelPump*>(ud)->data(static_cast<const char*>(data), len, is_stderr);
}
void on_eof(ssh_session, ssh_channel, void* ud) {
    static_cast<ChannelPump*>(ud)->eof();
}
void on_close(ssh_session, ssh_channel, void* ud) {
    static_cast<ChannelPump*>(ud)->closed();
}
void on_exit_status(ssh_session, ssh_channel, int status, void* ud) {
    static_cast<ChannelPump*>(ud)->exit_status(status);
}
void on_exit_signal(ssh_session, ssh_channel, const char* sig, int, const char*, const char*,
                    void* ud) {
    static_cast<ChannelPump*>(ud)->exit_signal(sig);
}
int on_stdin(socket_t, int revents, void* ud) {
    return static_cast<ChannelPump*>(ud)->stdin_ready(revents);
}
int on_extra(socket_t, int revents, void* ud) {
    return static_cast<ChannelPump*>(ud)->extra_ready(revents);
}

// RFC 4254 section 6.10 sends signal names without "SIG".
int signal_number(const char* name) {
    static const struct {
        const char* n;
        int s;
    } table[] = {{"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"FPE", SIGFPE},   {"HUP", SIGHUP},
                 {"ILL", SIGILL},   {"INT", SIGINT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE},
                 {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"TERM", SIGTERM}, {"USR1", SIGUSR1},
                 {"USR2", SIGUSR2}};
    for (auto& e : table)
        if (name && std::strcmp(name, e.n) == 0) return e.s;
    return 127;  // unknown signal: still a failure the caller can see
}

}  // namespace

ChannelPump::ChannelPump(ssh_session session, ssh_channel channel, PumpOptions opts)
    : session_(session), channel_(channel), opts_(std::move(opts)) {
    callbacks_.userdata = this;
    callbacks_.channel_data_function = on_data;
    callbacks_.channel_eof_function = on_eof;
    callbacks_.channel_close_function = on_close;
    callbacks_.channel_exit_status_function = on_exit_status;
    callbacks_.channel_exit_signal_function = on_exit_signal;
    ssh_callbacks_init(&callbacks_);
    ssh_set_channel_callbacks(channel_, &callbacks_);
}

ChannelPump::~ChannelPump() {
    ssh_remove_channel_callbacks(channel_, &callbacks_);
}

int ChannelPump::data(const char* p, uint32_t len, int is_stderr) {
    const Output& out = is_stderr ? opts_.on_stderr : opts_.on_stdout;
    if (out) out(std::string_view(p, len));
    return static_cast<int>(len);
}

void ChannelPump::exit_signal(const char* sig) {
    status_ = 128 + signal_number(sig);
}

int ChannelPump::stdin_ready(int revents) {
    if (stdin_done_) return 0;
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[32768];
        ssize_t n = ::read(opts_.stdin_fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
        if (n > 0) {
            if (ssh_channel_write(channel_, buf, static_cast<uint32_t>(n)) == SSH_ERROR)
                stdin_error_ = true;
            return 0;
        }
        stdin_done_ = true;  // EOF or read error: the remote sees end of input
        if (opts_.send_eof) ssh_channel_send_eof(channel_);
    }
    return 0;
}

int ChannelPump::extra_ready(int) {
    if (opts_.on_extra) opts_.on_extra();
    return 0;
}

Result<int> ChannelPump::run(const std::string& machine) {
    auto err = [&](const std::string& what) {
        return fail(ErrorKind::Network,
                    "machine '" + machine + "': " + what + ": " + ssh_get_error(session_));
    };
    if (!opts_.stdin_data.empty() &&
        ssh_channel_write(channel_, opts_.stdin_data.data(),
                          static_cast<uint32_t>(opts_.stdin_data.size())) == SSH_ERROR)
        return err("sending stdin");
    if (opts_.stdin_fd < 0) {
        stdin_done_ = true;
        if (opts_.send_eof) ssh_channel_send_eof(channel_);
    }

    EventPtr event(ssh_event_new());
    if (!event) return fail(ErrorKind::Internal, "ssh_event_new failed");
    if (ssh_event_add_session(event.get(), session_) != SSH_OK) return err("event loop");
    bool stdin_watched = false, extra_watched = false;
    if (!stdin_done_) {
        ssh_event_add_fd(event.get(), opts_.stdin_fd, POLLIN, on_stdin, this);
        stdin_watched = true;
    }
    if (opts_.extra_fd >= 0) {
        ssh_event_add_fd(event.get(), opts_.extra_fd, POLLIN, on_extra, this);
        extra_watched = true;
    }
    Result<int> result = -1;
    // Exit status normally arrives before EOF and close (RFC 4254 section 6.10); stop at
    // close, or at EOF once the status is known, so we never wait on a lingering channel.
    while (!closed_ && !(eof_ && status_ >= 0)) {
        int rc = ssh_event_dopoll(event.get(), 1000);
        if (rc == SSH_ERROR) {
            result = err("connection lost");
            break;
        }
        if (stdin_error_) {
            result = err("sending stdin");
            break;
        }
        if (stdin_done_ && stdin_watched) {
            ssh_event_remove_fd(event.get(), opts_.stdin_fd);
            stdin_watched = false;
        }
    }
    if (stdin_watched) ssh_event_remove_fd(event.get(), opts_.stdin_fd);
    if (extra_watched) ssh_event_remove_fd(event.get(), opts_.extra_fd);
    ssh_event_remove_session(event.get(), session_);
    if (!result.has_value()) return result;
    if (status_ < 0) {
        // Closed without an exit-status message: ask libssh, which may still have one.
        int s = ssh_channel_get_exit_status(channel_);
        if (s < 0)
            return fail(ErrorKind::Network,
                        "machine '" + machine + "': the command ended without an exit status");
        status_ = s;
    }
    return status_;
}

}  // namespace env::ssh::detail

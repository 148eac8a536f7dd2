#pragma once
// Moves data between one open libssh channel and local callbacks/fds until the remote side
// closes it, then returns the remote exit status. Shared by exec (exec.h) and the
// interactive session (interactive.h); not a public API of env::ssh.
#include <libssh/callbacks.h>

#include <functional>
#include <string_view>

#include "ssh/handles.h"
#include "util/error.h"

namespace env::ssh::detail {

using Output = std::function<void(std::string_view)>;

struct PumpOptions {
    Output on_stdout;             // null: discarded
    Output on_stderr;             // null: discarded
    std::string_view stdin_data;  // sent first
    int stdin_fd = -1;            // then forwarded until EOF; -1: none
    bool send_eof = true;         // send EOF once stdin is exhausted
    int extra_fd = -1;            // also watched (the SIGWINCH self-pipe); -1: none
    std::function<void()> on_extra;
};

// Installs the channel callbacks; call before requesting exec/shell so nothing is missed.
class ChannelPump {
public:
    ChannelPump(ssh_session session, ssh_channel channel, PumpOptions opts);
    ~ChannelPump();
    ChannelPump(const ChannelPump&) = delete;
    ChannelPump& operator=(const ChannelPump&) = delete;

    // Runs until the channel closes. The exit status is the remote one; a command killed by
    // a signal gives 128 + the signal number, as shells report it.
    Result<int> run(const std::string& machine);

    // libssh callbacks (C linkage trampolines use these).
    int data(const char* p, uint32_t len, int is_stderr);
    void eof() { eof_ = true; }
    void closed() { closed_ = true; }
    void exit_status(int s) { status_ = s; }
    void exit_signal(const char* sig);
    int stdin_ready(int revents);
    int extra_ready(int revents);

private:
    ssh_session session_;
    ssh_channel channel_;
    PumpOptions opts_;
    ::ssh_channel_callbacks_struct callbacks_{};
    bool eof_ = false, closed_ = false, stdin_done_ = false, stdin_error_ = false;
    int status_ = -1;
};

}  // namespace env::ssh::detail

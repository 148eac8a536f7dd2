#include "ssh/exec.h"

#include <chrono>
#include <thread>

#include "ssh/channel_pump.h"

namespace env::ssh {

Result<int> exec(const Session& session, const std::string& command, const ExecIo& io) {
    ssh_session s = session.get();
    auto err = [&](const std::string& what) {
        return fail(ErrorKind::Network,
                    "machine '" + session.machine() + "': " + what + ": " + ssh_get_error(s));
    };
    // A server may refuse or defer a channel briefly while it is still closing the previous
    // one (seen with dropbear right after a refused SFTP subsystem): retry for a moment
    // with a fresh channel before calling the session broken.
    ChannelPtr channel;
    for (int attempt = 0;; ++attempt) {
        channel.reset(ssh_channel_new(s));
        if (!channel) return err("cannot create a channel");
        int rc = ssh_channel_open_session(channel.get());
        if (rc == SSH_OK) break;
        if (attempt == 20 || !ssh_is_connected(s)) return err("cannot open a session channel");
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    detail::PumpOptions po;
    po.on_stdout = io.on_stdout;
    po.on_stderr = io.on_stderr;
    po.stdin_data = io.stdin_data;
    po.stdin_fd = io.stdin_fd;
    po.send_eof = !io.pty;
    detail::ChannelPump pump(s, channel.get(), std::move(po));
    if (io.pty) {
        if (ssh_channel_request_pty_size(channel.get(), io.term.c_str(), io.cols, io.rows) !=
            SSH_OK)
            return err("PTY request refused");
    }
    if (ssh_channel_request_exec(channel.get(), command.c_str()) != SSH_OK)
        return err("cannot run '" + command + "'");
    return pump.run(session.machine());
}

Result<ExecOutput> exec_capture(const Session& session, const std::string& command,
                                std::string_view stdin_data) {
    ExecOutput r;
    ExecIo io;
    io.on_stdout = [&](std::string_view d) { r.out.append(d); };
    io.on_stderr = [&](std::string_view d) { r.err.append(d); };
    io.stdin_data = stdin_data;
    r.status = TRY(exec(session, command, io));
    return r;
}

}  // namespace env::ssh

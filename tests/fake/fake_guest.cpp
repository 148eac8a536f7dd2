#include "fake_guest.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <functional>

#include "ssh/handles.h"
#include "ssh/keys.h"
#include "util/sys.h"

namespace env::fake {
namespace {

struct BindFree {
    void operator()(ssh_bind b) const { ssh_bind_free(b); }
};
using BindPtr = std::unique_ptr<std::remove_pointer_t<ssh_bind>, BindFree>;

// "/tmp/" in a command means the guest's own /tmp (see the header).
std::string map_tmp(const std::string& command, const std::string& root) {
    std::string out;
    const std::string from = "/tmp/";
    size_t pos = 0;
    for (size_t hit; (hit = command.find(from, pos)) != std::string::npos; pos = hit + from.size())
        out += command.substr(pos, hit - pos) + root + "/tmp/";
    return out + command.substr(pos);
}

// One exec request: `sh -c` with its stdin fed from the channel and its output sent back.
struct Command {
    ssh_channel channel = nullptr;
    ssh_channel_callbacks_struct callbacks{};
    struct Connection* conn = nullptr;
    pid_t pid = -1;
    UniqueFd in;        // our end of the child's stdin (a socket: no SIGPIPE on send)
    UniqueFd out, err;  // read ends of its stdout and stderr
    bool out_eof = false, err_eof = false;
    bool in_event = false;  // out/err are in the connection's ssh_event
    bool finished = false;  // exit status sent
    bool closed = false;    // the client closed the channel
};

struct OutputSource {
    Command* cmd;
    bool is_stderr;
};

struct Connection {
    const GuestOptions* o = nullptr;
    FakeGuest* guest = nullptr;
    ssh_session session = nullptr;
    ssh_event event = nullptr;
    ssh::KeyPtr authorized;
    bool authenticated = false;
    ssh_server_callbacks_struct callbacks{};
    std::vector<std::unique_ptr<Command>> commands;
    std::vector<std::unique_ptr<OutputSource>> sources;
    std::function<void(const std::string&)> log;
};

int on_auth_pubkey(ssh_session, const char* user, ssh_key key, char state, void* ud) {
    auto* c = static_cast<Connection*>(ud);
    bool ok = user && c->o->user == user &&
              ssh_key_cmp(key, c->authorized.get(), SSH_KEY_CMP_PUBLIC) == 0;
    if (!ok) {
        c->log(std::string("auth refused for user ") + (user ? user : "?"));
        return SSH_AUTH_DENIED;
    }
    // NONE: the client asks whether this key would do; VALID: it proved it holds it.
    if (state == SSH_PUBLICKEY_STATE_VALID) c->authenticated = true;
    return state == SSH_PUBLICKEY_STATE_VALID || state == SSH_PUBLICKEY_STATE_NONE
               ? SSH_AUTH_SUCCESS
               : SSH_AUTH_DENIED;
}

int on_output(socket_t fd, int revents, void* ud) {
    auto* src = static_cast<OutputSource*>(ud);
    Command* cmd = src->cmd;
    bool& eof = src->is_stderr ? cmd->err_eof : cmd->out_eof;
    if (eof) return 0;
    if (!(revents & (POLLIN | POLLHUP | POLLERR))) return 0;
    char buf[32768];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
    if (n <= 0) {
        eof = true;
        return 0;
    }
    if (cmd->closed) return 0;  // nobody listens any more: drain only
    uint32_t len = static_cast<uint32_t>(n);
    if (src->is_stderr)
        ssh_channel_write_stderr(cmd->channel, buf, len);
    else
        ssh_channel_write(cmd->channel, buf, len);
    return 0;
}

int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int, void* ud) {
    auto* cmd = static_cast<Command*>(ud);
    if (!cmd->in) return static_cast<int>(len);  // stdin closed: discarded
    const char* p = static_cast<const char*>(data);
    size_t left = len;
    // Blocking: a command that never reads its stdin while writing more than a pipe holds
    // would stall this connection; provisioning commands read theirs (cat > file).
    while (left > 0) {
        ssize_t n = ::send(cmd->in.get(), p, left, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            cmd->in.reset();  // the command exited or closed stdin: the rest is discarded
            break;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    return static_cast<int>(len);
}

void on_eof(ssh_session, ssh_channel, void* ud) {
    static_cast<Command*>(ud)->in.reset();  // the command sees EOF on stdin
}

void on_close(ssh_session, ssh_channel, void* ud) {
    static_cast<Command*>(ud)->closed = true;
}

int on_pty(ssh_session, ssh_channel, const char*, int, int, int, int, void*) {
    return SSH_OK;  // accepted and ignored: commands run without a terminal
}

int on_refused(ssh_session, ssh_channel, const char*, void*) {
    return SSH_ERROR;
}
int on_shell(ssh_session, ssh_channel, void*) {
    return SSH_ERROR;
}
int on_env(ssh_session, ssh_channel, const char*, const char*, void*) {
    return SSH_ERROR;
}

int on_exec(ssh_session, ssh_channel, const char* command, void* ud) {
    auto* cmd = static_cast<Command*>(ud);
    Connection* c = cmd->conn;
    if (cmd->pid > 0) return SSH_ERROR;  // one command per channel
    int in_pair[2], out_pipe[2], err_pipe[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0) return SSH_ERROR;
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(in_pair[0]);
        ::close(in_pair[1]);
        return SSH_ERROR;
    }
    UniqueFd child_in(in_pair[1]), child_out(out_pipe[1]), child_err(err_pipe[1]);
    cmd->in.reset(in_pair[0]);
    cmd->out.reset(out_pipe[0]);
    cmd->err.reset(err_pipe[0]);

    const std::string& root = c->o->root;
    std::string mapped = map_tmp(command, root);
    std::vector<std::string> env = {
        "PATH=" + root + "/.fake/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME=" + root,
        "USER=" + c->o->user,
        "LOGNAME=" + c->o->user,
        "SHELL=/bin/sh",
        "TMPDIR=" + root + "/tmp",
        "ENV_FAKE_MACHINE=" + c->o->machine,
    };
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string sh = "/bin/sh", dash_c = "-c";
    char* argv[] = {sh.data(), dash_c.data(), mapped.data(), nullptr};

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&fa, child_in.get(), 0);
    posix_spawn_file_actions_adddup2(&fa, child_out.get(), 1);
    posix_spawn_file_actions_adddup2(&fa, child_err.get(), 2);
    posix_spawn_file_actions_addchdir_np(&fa, root.c_str());
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);  // nothing of this process leaks in
    // Its own process group (killed whole when the machine stops) and default signals.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int rc = ::posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        c->log(std::string("exec failed: ") + std::strerror(rc));
        return SSH_ERROR;
    }
    cmd->pid = pid;
    c->log("exec: " + std::string(command));
    auto add = [&](int fd, bool is_stderr) {
        c->sources.push_back(std::make_unique<OutputSource>(OutputSource{cmd, is_stderr}));
        ssh_event_add_fd(c->event, fd, POLLIN, on_output, c->sources.back().get());
    };
    add(cmd->out.get(), false);
    add(cmd->err.get(), true);
    cmd->in_event = true;
    return SSH_OK;
}

ssh_channel on_channel_open(ssh_session session, void* ud) {
    auto* c = static_cast<Connection*>(ud);
    if (!c->authenticated) return nullptr;
    auto cmd = std::make_unique<Command>();
    cmd->conn = c;
    cmd->channel = ssh_channel_new(session);
    if (!cmd->channel) return nullptr;
    auto& cb = cmd->callbacks;
    cb.userdata = cmd.get();
    cb.channel_data_function = on_data;
    cb.channel_eof_function = on_eof;
    cb.channel_close_function = on_close;
    cb.channel_pty_request_function = on_pty;
    cb.channel_shell_request_function = on_shell;
    cb.channel_exec_request_function = on_exec;
    cb.channel_subsystem_request_function = on_refused;  // no SFTP: the shell fallback
    cb.channel_env_request_function = on_env;
    ssh_callbacks_init(&cb);
    ssh_set_channel_callbacks(cmd->channel, &cb);
    c->commands.push_back(std::move(cmd));
    return c->commands.back()->channel;
}

// Once a command's output is drained: its exit status, EOF and close, as sshd sends them.
void finish(Connection& c, Command& cmd) {
    if (cmd.in_event) {
        ssh_event_remove_fd(c.event, cmd.out.get());
        ssh_event_remove_fd(c.event, cmd.err.get());
        cmd.in_event = false;
    }
    int status = 0;
    while (::waitpid(cmd.pid, &status, 0) < 0 && errno == EINTR) {
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    c.log("exit " + std::to_string(code));
    cmd.finished = true;
    cmd.in.reset();
    if (cmd.closed) return;
    ssh_channel_request_send_exit_status(cmd.channel, code);
    ssh_channel_send_eof(cmd.channel);
    ssh_channel_close(cmd.channel);
}

void kill_all(Connection& c) {
    for (auto& cmd : c.commands) {
        if (cmd->pid <= 0 || cmd->finished) continue;
        ::kill(-cmd->pid, SIGKILL);
        int status;
        while (::waitpid(cmd->pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (cmd->in_event) {
            ssh_event_remove_fd(c.event, cmd->out.get());
            ssh_event_remove_fd(c.event, cmd->err.get());
            cmd->in_event = false;
        }
        cmd->finished = true;
    }
}

}  // namespace

Result<std::unique_ptr<FakeGuest>> FakeGuest::start(GuestOptions o) {
    std::unique_ptr<FakeGuest> g(new FakeGuest(std::move(o)));
    TRY(sys::make_dirs(g->o_.root + "/tmp", 01777));
    // Privileged provisioners run `sudo -n -E -H sh -c ...` for a user other than root: the
    // fake's user has passwordless sudo, which here only drops the options (the command
    // runs as the same user).
    TRY(sys::make_dirs(g->o_.root + "/.fake/bin"));
    TRY(sys::write_file_atomic(g->o_.root + "/.fake/bin/sudo",
                               "#!/bin/sh\nwhile [ $# -gt 0 ]; do case \"$1\" in --) shift; "
                               "break;; -*) shift;; *) break;; esac; done\nexec \"$@\"\n",
                               0755));
    g->listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!g->listener_) return fail_errno("socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(g->listener_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        return fail_errno("bind 127.0.0.1:0");
    socklen_t len = sizeof a;
    ::getsockname(g->listener_.get(), reinterpret_cast<sockaddr*>(&a), &len);
    g->port_ = ntohs(a.sin_port);
    g->wake_.reset(::eventfd(0, EFD_CLOEXEC));
    if (!g->wake_) return fail_errno("eventfd");
    // Both keys are read now: a missing key fails start(), not the first connection.
    TRY(ssh::load_public_key(g->o_.authorized_key_file));
    TRY(ssh::load_public_key(g->o_.host_key_file));
    g->acceptor_ = std::thread([p = g.get()] { p->accept_loop(); });
    g->log("listening on 127.0.0.1:" + std::to_string(g->port_));
    return g;
}

FakeGuest::~FakeGuest() {
    stop();
}

void FakeGuest::stop() {
    if (stopping_.exchange(true)) return;
    uint64_t one = 1;
    (void)!::write(wake_.get(), &one, sizeof one);
    if (acceptor_.joinable()) acceptor_.join();
    listener_.reset();
    {
        std::lock_guard l(mu_);
        for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : sessions_) t.join();  // acceptor_ is gone: nobody adds to sessions_
    sessions_.clear();
    log("stopped");
}

void FakeGuest::log(const std::string& line) {
    if (o_.log_file.empty()) return;
    std::lock_guard l(log_mu_);
    UniqueFd fd(::open(o_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started_)
                  .count();
    if (fd)
        (void)sys::write_all(fd.get(),
                             std::to_string(ms) + " ms " + o_.machine + ": " + line + "\n");
}

void FakeGuest::accept_loop() {
    // Bound but not listening: a connection attempt is refused, as by a host whose SSH
    // server has not started yet.
    if (o_.never_listen) o_.listen_after = std::chrono::hours(24 * 365);
    if (o_.listen_after.count() > 0) {
        pollfd w = {wake_.get(), POLLIN, 0};
        if (::poll(&w, 1,
                   static_cast<int>(std::min<int64_t>(o_.listen_after.count(), INT32_MAX))) != 0)
            return;  // stop() (or a poll error: no server then either)
    }
    if (::listen(listener_.get(), 16) != 0) {
        log(std::string("listen: ") + std::strerror(errno));
        return;
    }
    log("accepting connections");
    for (;;) {
        pollfd p[2] = {{listener_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (stopping_ || (p[1].revents & POLLIN)) return;
        int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::lock_guard l(mu_);
        open_fds_.insert(fd);
        sessions_.emplace_back([this, fd] { serve(fd); });
    }
}

void FakeGuest::serve(int fd) {
    Connection c;
    c.o = &o_;
    c.guest = this;
    c.log = [this](const std::string& s) { log(s); };
    auto forget_fd = [&] {
        std::lock_guard l(mu_);
        open_fds_.erase(fd);
    };
    BindPtr bind(ssh_bind_new());
    ssh::SessionPtr session(ssh_new());
    auto key = ssh::load_public_key(o_.authorized_key_file);
    if (!bind || !session || !key) {
        forget_fd();
        ::close(fd);
        return;
    }
    c.authorized = std::move(*key);
    ssh_bind_options_set(bind.get(), SSH_BIND_OPTIONS_HOSTKEY, o_.host_key_file.c_str());
    // From here the session owns fd (ssh_free closes it), so it leaves open_fds_ first.
    if (ssh_bind_accept_fd(bind.get(), session.get(), fd) != SSH_OK) {
        log(std::string("accept failed: ") + ssh_get_error(bind.get()));
        forget_fd();
        ::close(fd);
        return;
    }
    c.session = session.get();
    c.callbacks.userdata = &c;
    c.callbacks.auth_pubkey_function = on_auth_pubkey;
    c.callbacks.channel_open_request_session_function = on_channel_open;
    ssh_callbacks_init(&c.callbacks);
    ssh_set_server_callbacks(session.get(), &c.callbacks);
    ssh_set_auth_methods(session.get(), SSH_AUTH_METHOD_PUBLICKEY);
    if (ssh_handle_key_exchange(session.get()) != SSH_OK) {
        log(std::string("key exchange failed: ") + ssh_get_error(session.get()));
        forget_fd();
        return;
    }
    ssh::EventPtr event(ssh_event_new());
    c.event = event.get();
    ssh_event_add_session(c.event, session.get());
    log("connected");
    while (!stopping_) {
        if (ssh_event_dopoll(c.event, 100) == SSH_ERROR) break;
        for (auto& cmd : c.commands)
            if (cmd->pid > 0 && !cmd->finished && cmd->out_eof && cmd->err_eof) finish(c, *cmd);
        int status = ssh_get_status(session.get());
        if (!ssh_is_connected(session.get()) || (status & (SSH_CLOSED | SSH_CLOSED_ERROR))) break;
    }
    kill_all(c);
    ssh_event_remove_session(c.event, session.get());
    event.reset();
    forget_fd();
    session.reset();     // closes fd and frees the channels, whose callbacks live in...
    c.commands.clear();  // ...the commands
    log("disconnected");
}

}  // namespace env::fake

#pragma once
// One authenticated SSH connection to a machine (libssh), with the machine's host key
// pinned: the server must present exactly the key we generated for it (keys.h), anything
// else is refused with an error naming the machine. ~/.ssh/config and the user's
// known_hosts are never read, so a user's settings cannot change what we connect to.
#include <chrono>
#include <functional>
#include <string>

#include "ssh/handles.h"
#include "util/error.h"

namespace env::ssh {

struct ConnectOptions {
    std::string machine;  // named in every error
    std::string host = "127.0.0.1";
    int port = 22;
    std::string user;
    std::string identity_file;  // our private key
    // The pinned host key: its .pub, its private key, or the machine's known_hosts file.
    std::string host_public_key_file;
    std::chrono::milliseconds attempt_timeout{5000};  // one TCP connect + handshake
};

class Session {
public:
    // One attempt: connect, verify the host key, authenticate with the identity file.
    static Result<Session> connect(const ConnectOptions& opts);

    // Adopts an already authenticated libssh session.
    Session(SessionPtr s, std::string machine)
        : session_(std::move(s)), machine_(std::move(machine)) {}

    ssh_session get() const { return session_.get(); }
    const std::string& machine() const { return machine_; }

private:
    SessionPtr session_;
    std::string machine_;
};

struct Connected {
    Session session;
    std::chrono::milliseconds elapsed{};  // from the first attempt to authentication
    int attempts = 0;
    std::string last_error;  // why the attempt before the successful one failed ("" if none)
};

// Readiness means SSH authenticates, not that a port is open: retries connect + auth until
// it succeeds or `timeout` passes. A host key mismatch is never retried. On timeout the
// error carries the last failure ("... after 30000 ms (57 attempts); last error: ...").
// `between_attempts`, when set, runs before each retry; an error from it ends the wait at
// once with that error (the up pipeline uses it to notice a machine that died while booting,
// or Ctrl-C).
Result<Connected> connect_with_retry(const ConnectOptions& opts, std::chrono::milliseconds timeout,
                                     const std::function<Result<>()>& between_attempts = {});

}  // namespace env::ssh

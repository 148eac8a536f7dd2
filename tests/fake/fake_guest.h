#pragma once
// The SSH side of a fake machine: a real SSH server (libssh's server API) on 127.0.0.1,
// in this process, that needs no root. It presents the machine's host key, accepts only the
// machine's user key for the box's user, and runs each exec request as `sh -c COMMAND` as
// the current user, in the machine's root directory (cwd and $HOME). A guest has a /tmp of
// its own and, without a mount namespace, the fake gives it one by mapping the prefix
// "/tmp/" in commands to "<root>/tmp/": machines provisioned at once do not share their
// upload paths. SFTP is refused, so uploads take the shell fallback (as on dropbear boxes).
//
// Core's SSH wait and the provisioners talk to it unmodified; what provisioning did is
// visible as files under the root.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::fake {

struct GuestOptions {
    std::string machine;              // for logs
    std::string root;                 // the guest's filesystem (cwd, $HOME, /tmp)
    std::string host_key_file;        // OpenSSH private key: the pinned host key
    std::string authorized_key_file;  // the one public key that may log in
    std::string user;                 // the one account that may log in
    std::string log_file;             // one line per connection and command
    // The port is taken at start() but connections are refused until this much later (a
    // guest still booting), or for good with never_listen (its SSH server never starts).
    std::chrono::milliseconds listen_after{0};
    bool never_listen = false;
};

class FakeGuest {
public:
    // Listens on 127.0.0.1 at a port the kernel picks, and serves until destroyed.
    static Result<std::unique_ptr<FakeGuest>> start(GuestOptions o);
    ~FakeGuest();  // stop()
    FakeGuest(const FakeGuest&) = delete;
    FakeGuest& operator=(const FakeGuest&) = delete;

    int port() const { return port_; }
    // Ends every connection at once (running commands are killed) and stops listening, as a
    // machine that powers off does. Idempotent.
    void stop();

private:
    explicit FakeGuest(GuestOptions o) : o_(std::move(o)) {}
    void accept_loop();
    void serve(int fd);
    void log(const std::string& line);

    GuestOptions o_;
    UniqueFd listener_;
    UniqueFd wake_;  // eventfd: wakes the accept loop on stop()
    int port_ = 0;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    std::mutex mu_;
    std::vector<std::thread> sessions_;
    std::set<int> open_fds_;  // connections still open, shut down by stop()
    std::mutex log_mu_;
};

}  // namespace env::fake

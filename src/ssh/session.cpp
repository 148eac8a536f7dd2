#include "ssh/session.h"

#include <thread>

#include "ssh/keys.h"

namespace env::ssh {
namespace {

// Failures that retrying cannot fix (a wrong host key, an unreadable key file) are marked
// with ErrorKind::Invalid so connect_with_retry stops at once; the rest are Network.
Error network_error(const ConnectOptions& o, ssh_session s, const std::string& what) {
    return Error(ErrorKind::Network, "machine '" + o.machine + "': " + what + " (" + o.host + ":" +
                                         std::to_string(o.port) + "): " + ssh_get_error(s));
}

Result<KeyPtr> import_identity(const std::string& path) {
    ssh_key raw = nullptr;
    if (ssh_pki_import_privkey_file(path.c_str(), nullptr, nullptr, nullptr, &raw) != SSH_OK ||
        raw == nullptr)
        return fail(ErrorKind::Invalid, "cannot read the SSH private key " + path);
    return KeyPtr(raw);
}

Result<KeyPtr> load_pinned(const std::string& path) {
    auto k = load_public_key(path);
    if (!k) return std::unexpected(k.error().context("the pinned host key"));
    return k;
}

std::string key_fingerprint(ssh_key key) {
    unsigned char* hash = nullptr;
    size_t len = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) != SSH_OK) return "?";
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    ssh_clean_pubkey_hash(&hash);
    std::string out = fp ? fp : "?";
    ssh_string_free_char(fp);
    return out;
}

Result<> set_options(ssh_session s, const ConnectOptions& o) {
    long usec = static_cast<long>(o.attempt_timeout.count()) * 1000;
    int port = o.port, nodelay = 1;
    bool no = false;
    // The pinned key is ed25519, so only that host key algorithm is offered: the server
    // cannot steer us to another key we could not verify.
    if (ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_HOST, o.host.c_str()) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_PORT, &port) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_USER, o.user.c_str()) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay) < 0 ||
        ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, "ssh-ed25519") < 0 ||
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") < 0 ||
        ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0)
        return std::unexpected(
            Error(ErrorKind::Internal, std::string("libssh options: ") + ssh_get_error(s)));
    return {};
}

Result<Session> attempt(const ConnectOptions& o, ssh_key identity, ssh_key pinned) {
    ssh_session raw = ssh_new();
    if (raw == nullptr) return fail(ErrorKind::Internal, "ssh_new failed");
    SessionPtr s(raw);
    TRY(set_options(raw, o));
    if (ssh_connect(raw) != SSH_OK) return std::unexpected(network_error(o, raw, "cannot connect"));

    ssh_key offered_raw = nullptr;
    if (ssh_get_server_publickey(raw, &offered_raw) != SSH_OK || offered_raw == nullptr)
        return std::unexpected(network_error(o, raw, "no host key received"));
    KeyPtr offered(offered_raw);
    if (ssh_key_cmp(offered.get(), pinned, SSH_KEY_CMP_PUBLIC) != 0)
        return fail(ErrorKind::Invalid,
                    "machine '" + o.machine + "': host key mismatch on " + o.host + ":" +
                        std::to_string(o.port) + ": the server offered " +
                        key_fingerprint(offered.get()) + " but the pinned key is " +
                        key_fingerprint(pinned) +
                        "; refusing to connect (another process may own this port, or the "
                        "machine's host key was replaced)");

    int rc = ssh_userauth_publickey(raw, nullptr, identity);
    if (rc != SSH_AUTH_SUCCESS)
        return std::unexpected(
            network_error(o, raw, "public key authentication as '" + o.user + "' failed"));
    return Session(std::move(s), o.machine);
}

}  // namespace

Result<Session> Session::connect(const ConnectOptions& opts) {
    KeyPtr identity = TRY(import_identity(opts.identity_file));
    KeyPtr pinned = TRY(load_pinned(opts.host_public_key_file));
    return attempt(opts, identity.get(), pinned.get());
}

Result<Connected> connect_with_retry(const ConnectOptions& opts, std::chrono::milliseconds timeout,
                                     const std::function<Result<>()>& between_attempts) {
    using clock = std::chrono::steady_clock;
    KeyPtr identity = TRY(import_identity(opts.identity_file));
    KeyPtr pinned = TRY(load_pinned(opts.host_public_key_file));
    auto start = clock::now();
    auto deadline = start + timeout;
    int attempts = 0;
    // A container's SSH server listens some 10-50 ms after its start, a VM's after seconds:
    // poll every few milliseconds at first (a refused attempt through the NAT costs well
    // under one), backing off so a slow guest is not hammered.
    auto delay = std::chrono::microseconds(2000);
    std::string last_error;
    for (;;) {
        ++attempts;
        ConnectOptions o = opts;
        // Never let one attempt overrun the overall deadline by much.
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        o.attempt_timeout =
            std::max(std::chrono::milliseconds(200), std::min(o.attempt_timeout, left));
        auto s = attempt(o, identity.get(), pinned.get());
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
        if (s) return Connected{std::move(*s), elapsed, attempts, last_error};
        if (s.error().kind() != ErrorKind::Network) return std::unexpected(s.error());
        last_error = s.error().what();
        auto now = clock::now();
        if (now >= deadline)
            return fail(ErrorKind::Network, "machine '" + opts.machine + "': SSH not ready after " +
                                                std::to_string(elapsed.count()) + " ms (" +
                                                std::to_string(attempts) +
                                                " attempts); last error: " + s.error().what());
        // The last attempt happens at the deadline, not one back-off step before it.
        std::this_thread::sleep_for(std::min<clock::duration>(delay, deadline - now));
        delay = std::min<std::chrono::microseconds>(delay * 5 / 4, std::chrono::milliseconds(500));
        if (between_attempts) TRY(between_attempts());
    }
}

}  // namespace env::ssh

#include "test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "util/sys.h"

namespace env::ssh::test {

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

std::string make_temp_dir(const char* tag) {
    std::string tmpl = std::string("/tmp/env-test-") + tag + "-XXXXXX";
    char* d = ::mkdtemp(tmpl.data());
    return d ? std::string(d) : std::string();
}

int run(const std::string& command, std::string* output) {
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return -1;
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = ::pclose(p);
    if (output) *output = out;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string TestServer::unavailable(ServerKind kind) {
    if (::geteuid() != 0) return "needs root (a private mount namespace for the server)";
    if (kind == ServerKind::OpenSsh && ::access("/usr/sbin/sshd", X_OK) != 0)
        return "/usr/sbin/sshd missing (apt-get install openssh-server)";
    if (kind == ServerKind::Dropbear && (::access("/usr/sbin/dropbear", X_OK) != 0 ||
                                         ::access("/usr/bin/dropbearconvert", X_OK) != 0))
        return "dropbear missing (apt-get install dropbear-bin)";
    return "";
}

TestServer::TestServer(ServerKind kind, Sftp sftp) : kind_(kind), sftp_(sftp) {
    dir_ = make_temp_dir(kind == ServerKind::OpenSsh ? "sshd" : "dropbear");
    auto k = ensure_machine_keys(dir_ + "/keys", "testbox");
    if (k) keys_ = *k;
    port_ = free_port();
}

TestServer::~TestServer() {
    stop();
    (void)sys::remove_tree(dir_);
}

std::string TestServer::log() const {
    auto s = sys::read_file(dir_ + "/server.log");
    return s ? *s : std::string();
}

ConnectOptions TestServer::options() const {
    ConnectOptions o;
    o.machine = "testbox";
    o.port = port_;
    o.user = "root";
    o.identity_file = keys_.identity_file;
    o.host_public_key_file = keys_.host_public_key_file;
    return o;
}

bool TestServer::start() {
    std::string pub = *sys::read_file(keys_.public_key_file);
    std::string home = dir_ + "/home";
    (void)sys::make_dirs(home + "/.ssh", 0700);
    (void)sys::write_file_atomic(home + "/.ssh/authorized_keys", pub, 0600);
    std::vector<std::string> argv;
    if (kind_ == ServerKind::OpenSsh) {
        std::string cfg =
            "Port " + std::to_string(port_) + "\nListenAddress 127.0.0.1\n" + "HostKey " +
            keys_.host_key_file + "\n" + "AuthorizedKeysFile " + home + "/.ssh/authorized_keys\n" +
            "PidFile none\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            "Subsystem sftp /usr/lib/openssh/sftp-server\nLogLevel ERROR\n";
        (void)sys::write_file_atomic(dir_ + "/sshd_config", cfg);
        argv = {"/usr/sbin/sshd", "-D", "-e", "-f", dir_ + "/sshd_config"};
    } else {
        std::string conv = "/usr/bin/dropbearconvert openssh dropbear " + keys_.host_key_file +
                           " " + dir_ + "/dropbear_host_key";
        std::string out;
        if (run(conv, &out) != 0) {
            (void)sys::write_file_atomic(dir_ + "/server.log", out);
            return false;
        }
        argv = {"/usr/sbin/dropbear",
                "-F",
                "-E",
                "-s",
                "-p",
                "127.0.0.1:" + std::to_string(port_),
                "-r",
                dir_ + "/dropbear_host_key",
                "-P",
                dir_ + "/dropbear.pid"};
    }
    // Everything the child needs is prepared before fork (no allocation after it).
    std::string log_path = dir_ + "/server.log";
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
        ::setpgid(0, 0);
        int logfd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(logfd, 1);
        ::dup2(logfd, 2);
        // Private mounts: the host's /run and /root stay untouched.
        if (::unshare(CLONE_NEWNS) != 0 ||
            ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            _exit(120);
        if (kind_ == ServerKind::OpenSsh) {
            if (::mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") != 0) _exit(121);
            ::mkdir("/run/sshd", 0755);
        }
        // A clean home for root: dropbear reads ~/.ssh/authorized_keys from it, and the
        // host's ~/.bashrc (which may run slow tools) stays out of latency figures.
        if (::mount(home.c_str(), "/root", nullptr, MS_BIND, nullptr) != 0) _exit(122);
        if (sftp_ == Sftp::Fails &&
            ::mount("/bin/false", "/usr/lib/openssh/sftp-server", nullptr, MS_BIND, nullptr) != 0)
            _exit(123);
        if (sftp_ == Sftp::Missing &&
            ::mount("tmpfs", "/usr/lib/openssh", "tmpfs", 0, "mode=0755") != 0)
            _exit(124);
        ::execv(args[0], args.data());
        _exit(127);
    }
    // Up means the port accepts connections (the tests measure SSH readiness themselves).
    for (int i = 0; i < 200; ++i) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port_));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok) return true;
        int status;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
}

void TestServer::stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);  // the server's own process group: it and its session children
    int status;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

}  // namespace env::ssh::test

#include "tests/integration/box/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace env::box::test {

namespace {

bool send_all(int fd, const char* p, size_t n) {
    while (n) {
        ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<size_t>(k);
    }
    return true;
}

}  // namespace

HttpServer::HttpServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 16) != 0)
        throw std::runtime_error("cannot listen on 127.0.0.1");
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    thread_ = std::thread([this] { loop(); });
}

HttpServer::~HttpServer() {
    [[maybe_unused]] auto n = ::write(stop_pipe_[1], "x", 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
}

void HttpServer::serve(const std::string& path, std::string body) {
    std::lock_guard lk(mu_);
    files_[path] = std::move(body);
}

std::string HttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<SeenRequest> HttpServer::requests() {
    std::lock_guard lk(mu_);
    return seen_;
}

void HttpServer::loop() {
    for (;;) {
        pollfd p[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        if (::poll(p, 2, -1) < 0) continue;
        if (p[1].revents) return;
        int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        handle(c);
        ::close(c);
    }
}

void HttpServer::handle(int fd) {
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos) {
        pollfd p[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        if (::poll(p, 2, 5000) <= 0 || p[1].revents) return;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        req.append(buf, static_cast<size_t>(n));
    }
    SeenRequest seen;
    size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
    seen.path = req.substr(sp1 + 1, sp2 - sp1 - 1);
    for (const char* h : {"\r\nRange: ", "\r\nrange: "}) {
        size_t r = req.find(h);
        if (r != std::string::npos) seen.range = req.substr(r + 9, req.find("\r\n", r + 2) - r - 9);
    }
    if (hang) {
        {
            std::lock_guard lk(mu_);
            seen_.push_back(seen);
        }
        // Wait until the client gives up (closes) or the server stops.
        pollfd p[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
        ::poll(p, 2, 30000);
        return;
    }
    std::string body;
    bool found;
    {
        std::lock_guard lk(mu_);
        auto it = files_.find(seen.path);
        found = it != files_.end();
        if (found) body = it->second;
    }
    std::string head;
    size_t from = 0;
    if (!found) {
        seen.status = 404;
        body = "not found\n";
        head = "HTTP/1.1 404 Not Found\r\n";
    } else if (ranges && seen.range.starts_with("bytes=") && seen.range.ends_with("-")) {
        from = std::stoull(seen.range.substr(6));
        if (from >= body.size()) {
            seen.status = 416;
            head = "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" +
                   std::to_string(body.size()) + "\r\n";
            body.clear();
            from = 0;
        } else {
            seen.status = 206;
            head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + std::to_string(from) +
                   "-" + std::to_string(body.size() - 1) + "/" + std::to_string(body.size()) +
                   "\r\n";
        }
    } else {
        seen.status = 200;
        head = "HTTP/1.1 200 OK\r\n";
    }
    {
        std::lock_guard lk(mu_);
        seen_.push_back(seen);
    }
    size_t len = body.size() - from;
    head += "Content-Length: " + std::to_string(len) + "\r\nConnection: close\r\n" +
            (ranges ? "Accept-Ranges: bytes\r\n" : "") + "\r\n";
    if (!send_all(fd, head.data(), head.size())) return;
    size_t send_len = len;
    if (found && drop_after >= 0 && drops_left > 0) {
        --drops_left;
        send_len = std::min<size_t>(len, static_cast<size_t>(drop_after));
    }
    send_all(fd, body.data() + from, send_len);
    ::shutdown(fd, SHUT_RDWR);
}

}  // namespace env::box::test

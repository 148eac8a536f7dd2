#include "providers/kvm/vmm/control.h"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace env::kvm {

ControlServer::~ControlServer() {
    stop();
}

Result<> ControlServer::start(const std::string& path, int signal_fd, ControlHandler* handler) {
    handler_ = handler;
    signal_fd_ = signal_fd;
    path_ = path;
    int w = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w < 0) return fail_errno("eventfd");
    wake_.reset(w);
    if (!path.empty()) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (path.size() >= sizeof addr.sun_path)
            return fail(ErrorKind::Invalid, "control socket path too long: " + path);
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) return fail_errno("socket");
        listen_.reset(fd);
        ::unlink(path.c_str());  // a stale socket from a VMM that died
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
            return fail_errno("bind " + path);
        if (::listen(fd, 16) < 0) return fail_errno("listen " + path);
    }
    thread_ = std::thread([this] { loop(); });
    return {};
}

void ControlServer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    if (wake_) {
        uint64_t one = 1;
        (void)!::write(wake_.get(), &one, sizeof one);
    }
    if (thread_.joinable()) thread_.join();
    if (listen_) {
        listen_.reset();
        ::unlink(path_.c_str());
    }
    std::lock_guard lock(mutex_);
    clients_.clear();
}

void ControlServer::console_output(std::string_view bytes) {
    std::lock_guard lock(mutex_);
    for (auto& c : clients_) {
        if (!c.console || !c.fd) continue;
        // Non-blocking: a console that does not read loses output rather than stall the guest.
        (void)!::send(c.fd.get(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    }
}

void ControlServer::loop() {
    for (;;) {
        std::vector<pollfd> fds;
        fds.push_back({wake_.get(), POLLIN, 0});
        fds.push_back({signal_fd_, POLLIN, 0});
        fds.push_back({listen_ ? listen_.get() : -1, POLLIN, 0});
        bool retry_console = false;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            for (auto& c : clients_) {
                fds.push_back({c.fd.get(), POLLIN, 0});
                if (!c.console_in.empty()) retry_console = true;
            }
        }
        int n = ::poll(fds.data(), fds.size(), retry_console ? 10 : -1);
        if (n < 0 && errno != EINTR) {
            spdlog::error("control socket: poll: {}", std::strerror(errno));
            return;
        }
        if (fds[1].revents & POLLIN) {
            signalfd_siginfo si{};
            if (::read(signal_fd_, &si, sizeof si) == sizeof si)
                handler_->on_signal(static_cast<int>(si.ssi_signo));
        }
        if (fds[2].revents & POLLIN) {
            int cfd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (cfd >= 0) {
                std::lock_guard lock(mutex_);
                Client c;
                c.fd.reset(cfd);
                clients_.push_back(std::move(c));
            }
        }
        // Serve clients; the vector is only changed on this thread, the lock is for
        // console_output's readers.
        for (size_t i = 3; i < fds.size(); ++i) {
            Client* c = nullptr;
            {
                std::lock_guard lock(mutex_);
                if (i - 3 < clients_.size()) c = &clients_[i - 3];
            }
            if (c && ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) || !c->console_in.empty()))
                serve(*c);
        }
        std::lock_guard lock(mutex_);
        std::erase_if(clients_, [](const Client& c) { return !c.fd; });
    }
}

void ControlServer::serve(Client& c) {
    if (!c.console_in.empty()) {
        size_t took = handler_->console_input(c.console_in);
        c.console_in.erase(0, took);
    }
    char buf[4096];
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        std::lock_guard lock(mutex_);
        c.fd.reset();
        return;
    }
    if (n < 0) return;
    if (c.console) {
        // Back-pressure: bytes the UART cannot take yet wait here, and we stop reading
        // once a little is pending.
        c.console_in.append(buf, static_cast<size_t>(n));
        size_t took = handler_->console_input(c.console_in);
        c.console_in.erase(0, took);
        return;
    }
    c.in.append(buf, static_cast<size_t>(n));
    if (c.in.size() > 65536) {  // a client that never sends a newline
        std::lock_guard lock(mutex_);
        c.fd.reset();
        return;
    }
    size_t nl;
    while (!c.console && (nl = c.in.find('\n')) != std::string::npos) {
        std::string line = c.in.substr(0, nl);
        c.in.erase(0, nl + 1);
        nlohmann::json reply;
        try {
            auto req = nlohmann::json::parse(line);
            if (!req.is_object() || !req.contains("cmd") || !req["cmd"].is_string())
                reply = {{"ok", false}, {"error", "a request is {\"cmd\": \"...\"}"}};
            else if (req["cmd"] == "console")
                reply = {{"ok", true}};
            else
                reply = handler_->handle(req);
            if (req.is_object() && req.value("cmd", "") == "console") {
                std::lock_guard lock(mutex_);
                c.console = true;
            }
        } catch (const nlohmann::json::exception& e) {
            reply = {{"ok", false}, {"error", std::string("bad JSON: ") + e.what()}};
        }
        std::string out = reply.dump() + "\n";
        // Replies are small; a client that does not read them is dropped.
        if (::send(c.fd.get(), out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT) !=
            ssize_t(out.size())) {
            std::lock_guard lock(mutex_);
            c.fd.reset();
            return;
        }
    }
    if (c.console && !c.in.empty()) {
        c.console_in += c.in;  // bytes sent right after the console request
        c.in.clear();
        size_t took = handler_->console_input(c.console_in);
        c.console_in.erase(0, took);
    }
}

}  // namespace env::kvm

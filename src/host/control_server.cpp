#include "host/control_server.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace env::host {

Result<ControlServer> ControlServer::listen(const std::string& name) {
    ControlServer s;
    s.fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!s.fd_) return fail_errno("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (name.size() >= sizeof addr.sun_path)
        return fail(ErrorKind::Internal, "socket name too long: " + name);
    std::strcpy(addr.sun_path, name.c_str());
    ::unlink(name.c_str());  // a stale socket of a killed supervisor
    if (::bind(s.fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return fail_errno("bind " + name);
    if (::listen(s.fd_.get(), 16) != 0) return fail_errno("listen " + name);
    s.name_ = name;
    return s;
}

UniqueFd ControlServer::accept() const {
    return UniqueFd(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
}

void ControlServer::remove() {
    if (!name_.empty()) ::unlink(name_.c_str());
    name_.clear();
    fd_.reset();
}

}  // namespace env::host

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "host/control_server.h"
#include "host/fd_io.h"
#include "util/sys.h"

namespace env::host {

Result<std::string> control_request(const std::string& peer, const std::string& state_dir,
                                    const std::string& op, int timeout_ms, bool wait_close) {
    auto deadline = deadline_in(timeout_ms);
    UniqueFd dir = TRY(sys::open(state_dir, O_PATH | O_DIRECTORY));
    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) return fail_errno("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = "/proc/self/fd/" + std::to_string(dir.get()) + "/control.sock";
    std::strcpy(addr.sun_path, path.c_str());
    if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return fail_errno("connect to the " + peer + " of " + state_dir);
    std::string line = "{\"op\":\"" + op + "\"}\n";
    TRY(sys::write_all(sock.get(), line));

    std::string reply;
    bool got_reply = false;
    for (;;) {
        if (!TRY(wait_readable(sock.get(), deadline)))
            return fail(ErrorKind::Provider,
                        "the " + peer + " did not answer '" + op + "' in time");
        char buf[4096];
        ssize_t r = ::read(sock.get(), buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && errno != ECONNRESET) return fail_errno("read from the " + peer);
        if (r <= 0) {
            if (!got_reply)
                return fail(ErrorKind::Provider,
                            "the " + peer + " closed the connection without answering");
            return reply;
        }
        if (got_reply) continue;  // only EOF matters now
        reply.append(buf, static_cast<size_t>(r));
        auto nl = reply.find('\n');
        if (nl != std::string::npos && !got_reply) {
            got_reply = true;
            reply.resize(nl);
            if (!wait_close) return reply;
        }
    }
}

}  // namespace env::host

#pragma once
// Free host ports for forwards (the SSH forward first of all). A port is chosen by actually
// binding it and the bound socket is held (PortReservation) until SlirpStack::add_forward
// releases it immediately before libslirp binds the same port, so two projects allocating at
// once never get the same port from us. The CLI chooses the port and the machine's
// supervisor binds it: the socket goes to the supervisor as an inherited fd (adopt_port),
// because a port the CLI let go of is free for anything while the supervisor starts: the
// kernel's next ephemeral pick, such as the source port of another machine's SSH probe.
// Should another program take it in the instant of the hand-over to libslirp, its bind or
// listen fails and add_forward reports the port as busy.
#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace env::net {

enum class Proto { Tcp, Udp };
const char* to_string(Proto p);

class PortReservation {
public:
    PortReservation() = default;
    PortReservation(int port, UniqueFd hold) : port_(port), hold_(std::move(hold)) {}
    int port() const { return port_; }
    bool held() const { return static_cast<bool>(hold_); }
    void release() { hold_.reset(); }
    // The bound socket, for another process to hold (adopt_port); this one holds nothing.
    UniqueFd hand_over() { return std::move(hold_); }

private:
    int port_ = 0;
    UniqueFd hold_;
};

// Binds host_ip:port. first == 0: a port the kernel picks from its ephemeral range.
// Otherwise tries first..last in order (a stable range such as 2200..2299, like Vagrant's
// SSH ports) and fails with ErrorKind::Busy naming the range when none is free.
Result<PortReservation> reserve_port(Proto proto, const std::string& host_ip = "127.0.0.1",
                                     int first = 0, int last = 0);

// Tries exactly `port` (a port remembered from the last run or set in the Envfile).
Result<PortReservation> reserve_exact_port(Proto proto, const std::string& host_ip, int port);

// A reservation made by another process and inherited as a bound socket.
Result<PortReservation> adopt_port(UniqueFd bound);

}  // namespace env::net

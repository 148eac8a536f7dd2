#pragma once
// One user-mode NAT stack (libslirp) per machine, addressed like VirtualBox's NAT adapter
// (DESIGN.md, "Networking model"): guest 10.0.2.15/24, gateway 10.0.2.2 (which is the
// host's loopback as seen from the guest), DNS 10.0.2.3 (forwarded to the servers of the
// host's /etc/resolv.conf), DHCP handing out 10.0.2.15.
//
// Threading: the stack runs its own poll loop on one thread it owns (start()/stop(); the
// destructor stops it). libslirp is not thread-safe, so every libslirp call happens on that
// thread: input(), add_forward() and the other public methods may be called from any
// thread and are marshalled to it. The FrameSink is called on the loop thread, as are the
// callbacks of watch_fd() (TapLink uses that to read its tap fd without another thread).
// Before start() the methods act directly on the caller's thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "net/frame_sink.h"
#include "net/port_allocator.h"
#include "util/error.h"

namespace env::net {

struct NatConfig {
    std::string network = "10.0.2.0";
    std::string netmask = "255.255.255.0";
    std::string gateway = "10.0.2.2";  // the host, as the guest sees it
    std::string dns = "10.0.2.3";
    std::string dhcp_start = "10.0.2.15";
    std::string hostname;                 // sent to the guest by DHCP (option 12) when set
    std::vector<std::string> dns_search;  // DHCP option 119
    bool restricted = false;              // true: the guest reaches only forwards, no Internet
    size_t mtu = 1500;
};

// A forward from host_ip:host_port on the host to guest_ip:guest_port in the guest.
struct HostForward {
    Proto proto = Proto::Tcp;
    std::string host_ip = "127.0.0.1";
    int host_port = 0;
    std::string guest_ip = "10.0.2.15";
    int guest_port = 0;
};

class SlirpStack {
public:
    static Result<std::unique_ptr<SlirpStack>> create(const NatConfig& config = {});
    ~SlirpStack();
    SlirpStack(const SlirpStack&) = delete;
    SlirpStack& operator=(const SlirpStack&) = delete;

    // Starts the loop thread. Idempotent.
    Result<> start();
    // Stops and joins the loop thread; forwards and connections stay until destruction.
    void stop();

    // Frames from the guest: copied and queued when called off the loop thread.
    void input(std::span<const uint8_t> frame);
    // Frames to the guest go here; nullptr drops them. The sink must outlive its use.
    void set_sink(FrameSink* sink);

    // Binds host_ip:host_port and forwards it. With a reservation (port_allocator.h), the
    // reserved socket is released just before libslirp binds the port; copies of it that
    // other processes still hold for a moment (the CLI that handed it over, and children it
    // spawned meanwhile, close theirs once they get the CPU) are waited out for up to 2 s.
    Result<> add_forward(const HostForward& fwd, PortReservation* reservation = nullptr);
    Result<> remove_forward(Proto proto, const std::string& host_ip, int host_port);

    // Runs on_ready on the loop thread whenever fd is readable (or errs/hangs up).
    void watch_fd(int fd, std::function<void()> on_ready);
    void unwatch_fd(int fd);

    // libslirp's human-readable connection table, for logs and debugging.
    std::string connection_info();

    struct Impl;

private:
    explicit SlirpStack(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace env::net

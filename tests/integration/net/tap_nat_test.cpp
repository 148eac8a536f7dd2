// A SlirpStack attached through a TapLink to a tap device inside a test network namespace:
// the namespace plays the guest (10.0.2.15/24, default route via 10.0.2.2). Proves that
// the guest reaches the host's loopback through the gateway, gets its DHCP lease, and that
// host forwards reach listeners in the guest, both directions. All traffic stays on
// loopback or inside the namespace.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "net/port_allocator.h"
#include "net/slirp_stack.h"
#include "net/tap_link.h"
#include "test_netns.h"
#include "util/sys.h"
#include "util/unique_fd.h"

using namespace env;
using namespace env::net;
using namespace env::net::test;

namespace {

const char* kTap = "envtap0";

sockaddr_in addr(const char* ip, int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

UniqueFd tcp_listener(const char* ip, int port) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    auto a = addr(ip, port);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd.get(), 4) != 0)
        return UniqueFd();
    return fd;
}

int local_port(int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
}

void set_timeouts(int fd, int seconds) {
    timeval tv{seconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

UniqueFd accept_within(int listen_fd, int ms) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, ms) != 1) return UniqueFd();
    UniqueFd c(::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
    if (c) set_timeouts(c.get(), 5);
    return c;
}

std::string recv_some(int fd) {
    char buf[256];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// The namespace with its tap up and the stack attached and running.
struct Guest {
    TestNetns ns;
    std::unique_ptr<SlirpStack> stack;
    std::unique_ptr<TapLink> link;

    bool up(bool configure_address) {
        if (!ns.ok()) return false;
        auto tap = ns.inside([] { return open_tap(kTap).value_or(UniqueFd()); });
        if (!tap) return false;
        auto s = SlirpStack::create();
        if (!s) return false;
        stack = std::move(*s);
        auto l = TapLink::attach(*stack, std::move(tap));
        if (!l) return false;
        link = std::move(*l);
        if (!stack->start()) return false;
        std::string cmd = std::string("ip link set lo up && ip link set ") + kTap + " up";
        if (configure_address)
            cmd += std::string(" && ip addr add 10.0.2.15/24 dev ") + kTap +
                   " && ip route add default via 10.0.2.2";
        return ns.exec(cmd) == 0;
    }
    ~Guest() {
        link.reset();  // detach before the stack goes
        stack.reset();
    }
};

#define REQUIRE_NETNS()                                      \
    if (auto why = TestNetns::unavailable(); !why.empty()) { \
        ENV_SKIP(why);                                       \
    }

}  // namespace

TEST_CASE("the guest reaches the host's loopback through the gateway 10.0.2.2", "[root][netns]") {
    REQUIRE_NETNS();
    Guest g;
    REQUIRE(g.up(true));
    UniqueFd listener = tcp_listener("127.0.0.1", 0);
    REQUIRE(listener);
    int port = local_port(listener.get());

    // Connect from inside the namespace (the "guest") to 10.0.2.2:port.
    UniqueFd client =
        g.ns.inside([] { return UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)); });
    REQUIRE(client);
    set_timeouts(client.get(), 5);
    auto gw = addr("10.0.2.2", port);
    std::thread connector(
        [&] { ::connect(client.get(), reinterpret_cast<sockaddr*>(&gw), sizeof gw); });
    UniqueFd server = accept_within(listener.get(), 5000);
    connector.join();
    REQUIRE(server);

    // The host sees the connection coming from its own loopback (slirp's NAT).
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    ::getpeername(server.get(), reinterpret_cast<sockaddr*>(&peer), &len);
    CHECK(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));

    REQUIRE(::send(client.get(), "from guest", 10, MSG_NOSIGNAL) == 10);
    CHECK(recv_some(server.get()) == "from guest");
    REQUIRE(::send(server.get(), "from host", 9, MSG_NOSIGNAL) == 9);
    CHECK(recv_some(client.get()) == "from host");
    CHECK(g.link->counters().frames_in > 0);
    CHECK(g.link->counters().frames_out > 0);

    // libslirp answers ICMP echo for the gateway itself (no host ping socket involved).
    if (::access("/bin/busybox", X_OK) == 0) {
        std::string out;
        int rc = g.ns.exec("busybox ping -c 1 -W 3 10.0.2.2", &out);
        INFO(out);
        CHECK(rc == 0);
    } else {
        ENV_SKIP("the ping part: /bin/busybox missing (apt-get install busybox-static)");
    }
}

TEST_CASE("DHCP in the guest obtains 10.0.2.15 with gateway 10.0.2.2 and DNS 10.0.2.3",
          "[root][netns]") {
    REQUIRE_NETNS();
    if (::access("/bin/busybox", X_OK) != 0) {
        ENV_SKIP("/bin/busybox missing (apt-get install busybox-static)");
    }
    Guest g;
    REQUIRE(g.up(false));  // no address: DHCP must provide it
    char tmpl[] = "/tmp/env-test-dhcp-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    std::string script = dir + "/script.sh";
    // udhcpc hands the lease to its script in environment variables; record them.
    REQUIRE(sys::write_file_atomic(
        script,
        "#!/bin/sh\necho \"$1 ip=$ip mask=$mask router=$router dns=$dns\" >> " + dir + "/lease\n",
        0755));
    std::string out;
    int rc = g.ns.exec(
        std::string("busybox udhcpc -i ") + kTap + " -f -q -n -t 5 -T 1 -s " + script, &out);
    std::string lease = sys::read_file(dir + "/lease").value_or("");
    (void)sys::remove_tree(dir);
    INFO(out << lease);
    CHECK(rc == 0);
    CHECK(lease.find("bound ip=10.0.2.15 mask=24 router=10.0.2.2 dns=10.0.2.3") !=
          std::string::npos);
}

TEST_CASE("a TCP host forward reaches a listener in the guest, both directions, and can be removed",
          "[root][netns]") {
    REQUIRE_NETNS();
    Guest g;
    REQUIRE(g.up(true));
    const int guest_port = 2222;
    UniqueFd guest_listener = g.ns.inside([&] { return tcp_listener("0.0.0.0", guest_port); });
    REQUIRE(guest_listener);

    auto res = reserve_port(Proto::Tcp);
    REQUIRE(res);
    int host_port = res->port();
    REQUIRE(
        g.stack->add_forward({Proto::Tcp, "127.0.0.1", host_port, "10.0.2.15", guest_port}, &*res));
    CHECK_FALSE(res->held());

    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    set_timeouts(client.get(), 5);
    auto a = addr("127.0.0.1", host_port);
    REQUIRE(::connect(client.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::send(client.get(), "hello from host", 15, MSG_NOSIGNAL) == 15);
    UniqueFd accepted = accept_within(guest_listener.get(), 5000);
    REQUIRE(accepted);
    CHECK(recv_some(accepted.get()) == "hello from host");
    REQUIRE(::send(accepted.get(), "hello from guest", 16, MSG_NOSIGNAL) == 16);
    CHECK(recv_some(client.get()) == "hello from guest");

    // A second project could not take the port now: it is listening.
    CHECK_FALSE(reserve_exact_port(Proto::Tcp, "127.0.0.1", host_port));

    REQUIRE(g.stack->remove_forward(Proto::Tcp, "127.0.0.1", host_port));
    UniqueFd again(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    CHECK(::connect(again.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0);
    CHECK_FALSE(g.stack->remove_forward(Proto::Tcp, "127.0.0.1", host_port));
}

TEST_CASE("a UDP host forward carries datagrams to the guest and replies back", "[root][netns]") {
    REQUIRE_NETNS();
    Guest g;
    REQUIRE(g.up(true));
    const int guest_port = 5353;
    UniqueFd guest_sock = g.ns.inside([&] {
        UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        auto a = addr("10.0.2.15", guest_port);
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return UniqueFd();
        return fd;
    });
    REQUIRE(guest_sock);
    set_timeouts(guest_sock.get(), 5);

    auto res = reserve_port(Proto::Udp);
    REQUIRE(res);
    int host_port = res->port();
    REQUIRE(
        g.stack->add_forward({Proto::Udp, "127.0.0.1", host_port, "10.0.2.15", guest_port}, &*res));

    UniqueFd client(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    set_timeouts(client.get(), 5);
    auto a = addr("127.0.0.1", host_port);
    REQUIRE(::sendto(client.get(), "q", 1, 0, reinterpret_cast<sockaddr*>(&a), sizeof a) == 1);
    char buf[64];
    sockaddr_in from{};
    socklen_t flen = sizeof from;
    ssize_t n =
        ::recvfrom(guest_sock.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    REQUIRE(n == 1);
    REQUIRE(::sendto(guest_sock.get(), "answer", 6, 0, reinterpret_cast<sockaddr*>(&from), flen) ==
            6);
    n = ::recv(client.get(), buf, sizeof buf, 0);
    REQUIRE(n == 6);
    CHECK(std::string(buf, 6) == "answer");
    REQUIRE(g.stack->remove_forward(Proto::Udp, "127.0.0.1", host_port));
}

TEST_CASE("bulk data crosses a forward intact in both directions", "[root][netns]") {
    REQUIRE_NETNS();
    Guest g;
    REQUIRE(g.up(true));
    UniqueFd guest_listener = g.ns.inside([] { return tcp_listener("0.0.0.0", 8080); });
    REQUIRE(guest_listener);
    auto res = reserve_port(Proto::Tcp);
    REQUIRE(res);
    int host_port = res->port();
    REQUIRE(g.stack->add_forward({Proto::Tcp, "127.0.0.1", host_port, "10.0.2.15", 8080}, &*res));

    const size_t size = 8 << 20;
    std::string payload(size, '\0');
    for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>((i * 2654435761u) >> 13);

    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    set_timeouts(client.get(), 10);
    auto a = addr("127.0.0.1", host_port);
    REQUIRE(::connect(client.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    UniqueFd guest = accept_within(guest_listener.get(), 5000);
    REQUIRE(guest);
    set_timeouts(guest.get(), 10);

    auto pump = [&](int from, int to) {
        auto t0 = std::chrono::steady_clock::now();
        std::string got;
        std::thread writer([&] {
            size_t off = 0;
            while (off < size) {
                ssize_t n = ::send(from, payload.data() + off, std::min<size_t>(65536, size - off),
                                   MSG_NOSIGNAL);
                if (n <= 0) break;
                off += static_cast<size_t>(n);
            }
        });
        std::vector<char> buf(65536);
        while (got.size() < size) {
            ssize_t n = ::recv(to, buf.data(), buf.size(), 0);
            if (n <= 0) break;
            got.append(buf.data(), static_cast<size_t>(n));
        }
        writer.join();
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return std::pair{got == payload, size / s / (1 << 20)};
    };
    auto [down_ok, down_mibs] = pump(client.get(), guest.get());
    auto [up_ok, up_mibs] = pump(guest.get(), client.get());
    CHECK(down_ok);
    CHECK(up_ok);
    char line[128];
    std::snprintf(line, sizeof line,
                  "forward throughput host->guest %.0f MiB/s, guest->host %.0f MiB/s", down_mibs,
                  up_mibs);
    WARN(line);
}

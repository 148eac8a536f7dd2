// SlirpStack without any transport: frames in through input(), out through a FrameSink,
// as the VMM's virtio-net will use it. No privileges needed.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "net/slirp_stack.h"
#include "util/sys.h"
#include "util/unique_fd.h"

using namespace env;
using namespace env::net;
using namespace std::chrono_literals;

namespace {

class CollectingSink : public FrameSink {
public:
    void send_frame(std::span<const uint8_t> f) override {
        std::lock_guard lk(mu_);
        frames_.emplace_back(f.begin(), f.end());
        cv_.notify_all();
    }
    // The first frame matching pred within the timeout, or empty.
    template <typename P>
    std::vector<uint8_t> wait_for(P pred, std::chrono::milliseconds timeout) {
        std::unique_lock lk(mu_);
        std::vector<uint8_t> found;
        cv_.wait_for(lk, timeout, [&] {
            for (auto& f : frames_)
                if (pred(f)) {
                    found = f;
                    return true;
                }
            return false;
        });
        return found;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::vector<uint8_t>> frames_;
};

const uint8_t kGuestMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

// An ARP request (RFC 826) from the guest 10.0.2.15 asking who has `target`.
std::vector<uint8_t> arp_request(const char* target) {
    std::vector<uint8_t> f(42, 0);
    std::memset(f.data(), 0xff, 6);           // broadcast
    std::memcpy(f.data() + 6, kGuestMac, 6);  // source MAC
    f[12] = 0x08, f[13] = 0x06;               // ethertype ARP
    f[14] = 0, f[15] = 1;                     // hardware: ethernet
    f[16] = 0x08, f[17] = 0x00;               // protocol: IPv4
    f[18] = 6, f[19] = 4;
    f[20] = 0, f[21] = 1;  // request
    std::memcpy(f.data() + 22, kGuestMac, 6);
    ::inet_pton(AF_INET, "10.0.2.15", f.data() + 28);
    ::inet_pton(AF_INET, target, f.data() + 38);
    return f;
}

bool is_arp_reply_from(const std::vector<uint8_t>& f, const char* ip) {
    uint8_t want[4];
    ::inet_pton(AF_INET, ip, want);
    return f.size() >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 &&
           std::memcmp(f.data(), kGuestMac, 6) == 0 && std::memcmp(f.data() + 28, want, 4) == 0;
}

long rss_kib() {
    auto s = sys::read_file("/proc/self/status");
    if (!s) return -1;
    auto pos = s->find("VmRSS:");
    return pos == std::string::npos ? -1 : std::strtol(s->c_str() + pos + 6, nullptr, 10);
}

}  // namespace

TEST_CASE("the stack answers ARP for the gateway and the DNS address through the sink", "[net]") {
    auto stack = SlirpStack::create();
    REQUIRE(stack);
    CollectingSink sink;
    (*stack)->set_sink(&sink);
    REQUIRE((*stack)->start());
    for (const char* ip : {"10.0.2.2", "10.0.2.3"}) {
        auto req = arp_request(ip);
        (*stack)->input(req);  // from this thread: queued to the loop thread
        auto reply = sink.wait_for([&](auto& f) { return is_arp_reply_from(f, ip); }, 2s);
        CHECK_FALSE(reply.empty());
    }
    (*stack)->set_sink(nullptr);
}

TEST_CASE("start and stop are idempotent and forwards work before start", "[net]") {
    auto stack = SlirpStack::create();
    REQUIRE(stack);
    auto res = reserve_port(Proto::Tcp);
    REQUIRE(res);
    int port = res->port();
    REQUIRE((*stack)->add_forward({Proto::Tcp, "127.0.0.1", port, "10.0.2.15", 22}, &*res));
    REQUIRE((*stack)->start());
    REQUIRE((*stack)->start());
    // The same host port twice is refused with a clear error.
    auto dup = (*stack)->add_forward({Proto::Tcp, "127.0.0.1", port, "10.0.2.15", 23});
    REQUIRE_FALSE(dup);
    CHECK(dup.error().kind() == ErrorKind::Busy);
    CHECK(dup.error().message().find(std::to_string(port)) != std::string::npos);
    CHECK((*stack)->connection_info().find(std::to_string(port)) != std::string::npos);
    (*stack)->stop();
    (*stack)->stop();
    REQUIRE((*stack)->remove_forward(Proto::Tcp, "127.0.0.1", port));
    auto gone = (*stack)->remove_forward(Proto::Tcp, "127.0.0.1", port);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().kind() == ErrorKind::NotFound);
}

TEST_CASE("a forwarded connection's SYN leaves as soon as the guest answers ARP", "[net]") {
    // libslirp queues the SYN behind an ARP request and sends it only from its poll step:
    // the loop must run that step at once after feeding the reply, not at its next
    // wake-up (up to 500 ms later), or the first SSH connection to a fresh guest waits.
    auto stack = SlirpStack::create();
    REQUIRE(stack);
    CollectingSink sink;
    (*stack)->set_sink(&sink);
    auto res = reserve_port(Proto::Tcp);
    REQUIRE(res);
    int port = res->port();
    REQUIRE((*stack)->add_forward({Proto::Tcp, "127.0.0.1", port, "10.0.2.15", 22}, &*res));
    REQUIRE((*stack)->start());

    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    REQUIRE(client);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);

    uint8_t guest_ip[4];
    ::inet_pton(AF_INET, "10.0.2.15", guest_ip);
    auto who_has_guest = [&](const std::vector<uint8_t>& f) {
        return f.size() >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1 &&
               std::memcmp(f.data() + 38, guest_ip, 4) == 0;
    };
    auto request = sink.wait_for(who_has_guest, 2s);
    REQUIRE_FALSE(request.empty());
    // The guest's reply: to the asker, from kGuestMac / 10.0.2.15.
    std::vector<uint8_t> reply(42, 0);
    std::memcpy(reply.data(), request.data() + 6, 6);
    std::memcpy(reply.data() + 6, kGuestMac, 6);
    std::memcpy(reply.data() + 12, request.data() + 12, 8);  // ethertype, hardware, protocol
    reply[20] = 0, reply[21] = 2;                            // reply
    std::memcpy(reply.data() + 22, kGuestMac, 6);
    std::memcpy(reply.data() + 28, guest_ip, 4);
    std::memcpy(reply.data() + 32, request.data() + 22, 10);  // the asker's MAC and IP

    auto syn_to_guest_22 = [&](const std::vector<uint8_t>& f) {
        return f.size() >= 54 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 6 &&
               std::memcmp(f.data() + 30, guest_ip, 4) == 0 && f[36] == 0 && f[37] == 22 &&
               (f[47] & 0x02);
    };
    auto sent = std::chrono::steady_clock::now();
    (*stack)->input(reply);
    auto syn = sink.wait_for(syn_to_guest_22, 2s);
    auto took = std::chrono::steady_clock::now() - sent;
    REQUIRE_FALSE(syn.empty());
    CHECK(took < 150ms);
    (*stack)->set_sink(nullptr);
}

TEST_CASE("bad NAT addresses are rejected", "[net]") {
    NatConfig c;
    c.gateway = "10.0.2.300";
    auto s = SlirpStack::create(c);
    REQUIRE_FALSE(s);
    CHECK(s.error().kind() == ErrorKind::Invalid);
}

TEST_CASE("memory: host RSS cost of idle SlirpStacks", "[net][bench]") {
    // Warm up allocator and thread machinery once so the figure is the stacks' own cost.
    {
        auto warm = SlirpStack::create();
        REQUIRE(warm);
        REQUIRE((*warm)->start());
    }
    const int n = 10;
    long before = rss_kib();
    std::vector<std::unique_ptr<SlirpStack>> stacks;
    std::vector<PortReservation> held;
    for (int i = 0; i < n; ++i) {
        auto s = SlirpStack::create();
        REQUIRE(s);
        auto r = reserve_port(Proto::Tcp);
        REQUIRE(r);
        REQUIRE((*s)->add_forward({Proto::Tcp, "127.0.0.1", r->port(), "10.0.2.15", 22}, &*r));
        REQUIRE((*s)->start());
        stacks.push_back(std::move(*s));
    }
    std::this_thread::sleep_for(300ms);  // a few idle loop iterations and timer ticks
    long after = rss_kib();
    double per = double(after - before) / n;
    char line[160];
    std::snprintf(
        line, sizeof line,
        "idle SlirpStack (running, one TCP forward): %.0f KiB RSS each (%d stacks: %ld -> %ld KiB)",
        per, n, before, after);
    WARN(line);
    std::printf("MEMORY %s\n", line);
    CHECK(per < 3 * 1024);  // the target: under 3 MiB per idle machine
}

// DNS at 10.0.2.3 is answered through the host's resolver: libslirp forwards the guest's
// query to the first nameserver of the host's /etc/resolv.conf. To keep every packet on
// loopback, the stack runs in a child process with its own mount namespace where
// /etc/resolv.conf names 127.0.0.77, and a fake DNS server listens there.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "net/slirp_stack.h"
#include "net/tap_link.h"
#include "test_netns.h"
#include "util/sys.h"
#include "util/unique_fd.h"

using namespace env;
using namespace env::net;
using namespace env::net::test;

namespace {

// Answers A queries with 10.9.8.7 and anything else with an empty answer (RFC 1035 4.1).
std::string dns_answer(const std::string& q) {
    if (q.size() < 17) return {};
    size_t i = 12;
    while (i < q.size() && q[i] != 0) i += 1 + static_cast<uint8_t>(q[i]);
    if (i + 5 > q.size()) return {};
    bool is_a = q[i + 1] == 0 && q[i + 2] == 1;
    std::string r = q.substr(0, i + 5);  // header + the question
    r[2] = static_cast<char>(0x81);      // QR, RD
    r[3] = static_cast<char>(0x80);      // RA, no error
    r[6] = 0, r[7] = is_a ? 1 : 0;       // ANCOUNT
    r[8] = r[9] = r[10] = r[11] = 0;
    if (is_a) {
        const unsigned char ans[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 9, 8, 7};
        r.append(reinterpret_cast<const char*>(ans), sizeof ans);
    }
    return r;
}

// Child: owns the stack, sees the test's resolv.conf. Returns only via _exit.
[[noreturn]] void run_stack_child(const std::string& resolv, const std::string& netns, int ready_fd,
                                  int hold_fd) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(resolv.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0)
        _exit(10);
    int self = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (self < 0 || target < 0 || ::setns(target, CLONE_NEWNET) != 0) _exit(11);
    auto tap = open_tap("envtap0");
    if (!tap || ::setns(self, CLONE_NEWNET) != 0) _exit(12);
    auto stack = SlirpStack::create();
    if (!stack) _exit(13);
    auto link = TapLink::attach(**stack, std::move(*tap));
    if (!link || !(*stack)->start()) _exit(14);
    char c = 1;
    if (::write(ready_fd, &c, 1) != 1) _exit(15);
    // Serve until the parent closes its end.
    [[maybe_unused]] auto n = ::read(hold_fd, &c, 1);
    link->reset();
    (*stack)->stop();
    _exit(0);
}

}  // namespace

TEST_CASE("DNS queries to 10.0.2.3 are answered through the host's resolver", "[root][netns]") {
    if (auto why = TestNetns::unavailable(); !why.empty()) {
        ENV_SKIP(why);
    }
    if (::access("/bin/busybox", X_OK) != 0) {
        ENV_SKIP("/bin/busybox missing (apt-get install busybox-static)");
    }
    TestNetns ns;
    REQUIRE(ns.ok());
    char tmpl[] = "/tmp/env-test-dns-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    std::string resolv = dir + "/resolv.conf";
    REQUIRE(sys::write_file_atomic(resolv, "nameserver 127.0.0.77\n"));

    // The fake resolver on a loopback address nothing else uses.
    UniqueFd dns(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    ::inet_pton(AF_INET, "127.0.0.77", &a.sin_addr);
    REQUIRE(::bind(dns.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);

    int ready[2], hold[2];
    REQUIRE(::pipe2(ready, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(hold, O_CLOEXEC) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(ready[0]);
        ::close(hold[1]);
        run_stack_child(resolv, ns.name(), ready[1], hold[0]);
    }
    ::close(ready[1]);
    ::close(hold[0]);
    char c = 0;
    bool child_ready = ::read(ready[0], &c, 1) == 1;
    ::close(ready[0]);

    std::atomic<int> queries{0};
    std::atomic<bool> stop{false};
    std::thread server([&] {
        char buf[512];
        while (!stop) {
            pollfd p{dns.get(), POLLIN, 0};
            if (::poll(&p, 1, 50) != 1) continue;
            sockaddr_in from{};
            socklen_t flen = sizeof from;
            ssize_t n = ::recvfrom(dns.get(), buf, sizeof buf, 0,
                                   reinterpret_cast<sockaddr*>(&from), &flen);
            if (n <= 0) continue;
            ++queries;
            std::string r = dns_answer(std::string(buf, static_cast<size_t>(n)));
            ::sendto(dns.get(), r.data(), r.size(), 0, reinterpret_cast<sockaddr*>(&from), flen);
        }
    });

    std::string out;
    int rc = -1;
    if (child_ready) {
        ns.exec(
            "ip link set lo up && ip link set envtap0 up && ip addr add 10.0.2.15/24 dev envtap0 "
            "&& ip route add default via 10.0.2.2");
        rc = ns.exec("busybox nslookup -type=a machine.example.test 10.0.2.3", &out);
    }
    stop = true;
    server.join();
    ::close(hold[1]);  // the child stops its stack and exits
    int status = 0;
    ::waitpid(child, &status, 0);
    (void)sys::remove_tree(dir);

    INFO(out);
    REQUIRE(child_ready);
    CHECK(rc == 0);
    CHECK(queries > 0);
    CHECK(out.find("10.9.8.7") != std::string::npos);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

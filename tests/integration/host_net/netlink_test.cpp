// rtnetlink against the real kernel. Every case runs in a child process with a network
// namespace of its own, so nothing touches the host's links and nothing outlives the test.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "net/netlink.h"
#include "netns.h"

using namespace env;

namespace {
std::string sh(const std::string& cmd) { return test::run(cmd).out; }
using test::in_new_netns;
}  // namespace

TEST_CASE("a bridge with an address and a veth attached comes up", "[root][netns]") {
    CHECK(in_new_netns([] {
        auto nl = net::Netlink::open();
        if (!nl) return nl.error().what();
        EXPECT_OK(nl->set_up("lo"));
        EXPECT_OK(nl->create_bridge("envbr0"));
        EXPECT_OK(nl->add_address("envbr0", "192.168.77.1/24"));
        EXPECT_OK(nl->set_up("envbr0"));
        EXPECT_OK(nl->create_veth("envv0", "envv0p"));
        EXPECT_OK(nl->set_master("envv0", "envbr0"));
        EXPECT_OK(nl->set_mac("envv0p", "52:54:00:12:34:56"));
        EXPECT_OK(nl->set_up("envv0"));
        std::string out = sh("ip -o addr show dev envbr0");
        if (out.find("192.168.77.1/24") == std::string::npos) return "address missing: " + out;
        if (out.find("brd 192.168.77.255") == std::string::npos) return "broadcast missing: " + out;
        out = sh("ip -o link show envv0");
        if (out.find("master envbr0") == std::string::npos) return "not enslaved: " + out;
        out = sh("ip -o link show envv0p");
        if (out.find("52:54:00:12:34:56") == std::string::npos) return "mac not set: " + out;
        EXPECT_OK(nl->delete_link("envv0"));
        if (nl->exists("envv0p")) return std::string("deleting one end must remove the peer");
        return std::string();
    }));
}

TEST_CASE("a veth end moved into another namespace talks to the bridge", "[root][netns]") {
    CHECK(in_new_netns([] {
        auto nl = net::Netlink::open();
        if (!nl) return nl.error().what();
        EXPECT_OK(nl->create_bridge("envbr1"));
        EXPECT_OK(nl->add_address("envbr1", "10.99.0.1/24"));
        EXPECT_OK(nl->set_up("envbr1"));
        EXPECT_OK(nl->create_veth("envh1", "envg1"));
        EXPECT_OK(nl->set_master("envh1", "envbr1"));
        EXPECT_OK(nl->set_up("envh1"));
        int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in at {};
        at.sin_family = AF_INET;
        at.sin_port = htons(7777);
        ::inet_pton(AF_INET, "10.99.0.1", &at.sin_addr);
        if (::bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 ||
            ::listen(listener, 1) != 0)
            return std::string("listen on the bridge address failed");
        // A child in its own namespace waits for its end, configures it, pings the bridge.
        int ready[2], moved[2];
        if (::pipe(ready) != 0 || ::pipe(moved) != 0) return std::string("pipe");
        pid_t guest = ::fork();
        if (guest == 0) {
            char c;
            if (::unshare(CLONE_NEWNET) != 0) ::_exit(2);
            (void)!::write(ready[1], "x", 1);
            if (::read(moved[0], &c, 1) != 1) ::_exit(3);
            auto g = net::Netlink::open();
            if (!g || !g->set_up("lo") || !g->set_name("envg1", "eth1") ||
                !g->add_address("eth1", "10.99.0.2/24") || !g->set_up("eth1") ||
                !g->add_default_route("10.99.0.1"))
                ::_exit(4);
            // Reach the host side of the bridge over TCP: proves L2 and L3 both work.
            int s = ::socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in to {};
            to.sin_family = AF_INET;
            to.sin_port = htons(7777);
            ::inet_pton(AF_INET, "10.99.0.1", &to.sin_addr);
            if (::connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) ::_exit(5);
            ::_exit(::write(s, "hi", 2) == 2 ? 0 : 6);
        }
        char c;
        if (::read(ready[0], &c, 1) != 1) return std::string("guest did not start");
        EXPECT_OK(nl->move_to_netns("envg1", guest));
        (void)!::write(moved[1], "x", 1);
        int status = 0;
        ::waitpid(guest, &status, 0);
        if (nl->exists("envg1")) return std::string("peer still in this namespace");
        int conn = ::accept(listener, nullptr, nullptr);
        char got[3] = {};
        if (conn < 0 || ::read(conn, got, 2) != 2 || std::string(got) != "hi")
            return std::string("no data from the guest");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return "guest failed with status " + std::to_string(WEXITSTATUS(status));
        return std::string();
    }));
}

TEST_CASE("errors name the operation and the kernel's reason", "[root][netns]") {
    CHECK(in_new_netns([] {
        auto nl = net::Netlink::open();
        if (!nl) return nl.error().what();
        EXPECT_OK(nl->create_bridge("envd0"));
        auto dup = nl->create_bridge("envd0");
        if (dup) return std::string("duplicate accepted");
        if (dup.error().what() != "create bridge envd0: File exists") return dup.error().what();
        EXPECT_OK(nl->create_veth("envup0", "envup1"));  // stands in for a host NIC
        auto missing = nl->set_up("nope0");
        if (missing || missing.error().message() != "no network interface 'nope0'")
            return std::string("missing link not reported");
        auto longname = nl->create_bridge("a-name-too-long-for-linux");
        if (longname) return std::string("long name accepted");
        EXPECT_OK(nl->create_macvlan("envm0", "envup0"));
        auto names = nl->links();
        if (!names) return names.error().what();
        bool found = false;
        for (auto& n : *names) found |= n.name == "envm0";
        if (!found) return std::string("macvlan not listed");
        EXPECT_OK(nl->create_veth("envp0", "envp1"));
        EXPECT_OK(nl->set_master("envp0", "envd0"));
        auto ports = nl->ports_of("envd0");
        if (!ports || *ports != std::vector<std::string>{"envp0"}) return std::string("ports_of");
        return std::string();
    }));
}

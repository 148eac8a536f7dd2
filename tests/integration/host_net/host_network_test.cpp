#include <catch2/catch.hpp>

#include "net/host_network.h"
#include "netns.h"

using namespace env;
using envfile::NetworkType;

namespace {
std::string sh(const std::string& cmd) { return test::run(cmd).out; }
net::HostNetworkSpec spec(const std::string& dir, const std::string& name, NetworkType type,
                          const std::string& subnet) {
    return {dir, name, type, subnet, ""};
}
}  // namespace

TEST_CASE("names fit IFNAMSIZ, are stable, and differ per project and network", "[net]") {
    auto a = net::bridge_name("/src/lab", "lab");
    CHECK(a.size() <= 15);
    CHECK(a.starts_with("envb"));
    CHECK(a == net::bridge_name("/src/lab", "lab"));
    CHECK(a != net::bridge_name("/src/lab2", "lab"));
    CHECK(a != net::bridge_name("/src/lab", "lab2"));
    CHECK(net::veth_name("/src/lab", "web1", 1).size() + 1 <= 15);  // room for the peer's "p"
    CHECK(net::veth_name("/src/lab", "web1", 1) != net::veth_name("/src/lab", "web1", 2));
}

TEST_CASE("host-only gets a bridge holding .1, internal one with no address", "[root][netns]") {
    test::TempDir t;
    CHECK(test::in_new_netns([&] {
        auto nl = net::Netlink::open();
        if (!nl) return nl.error().what();
        net::HostNetworks nets(t / "networks.json", *nl);
        auto host = nets.ensure(spec("/p", "lab", NetworkType::HostOnly, "192.168.60.0/24"));
        if (!host) return host.error().what();
        std::string out = sh("ip -o addr show dev " + *host);
        if (out.find("192.168.60.1/24") == std::string::npos) return "no .1 on the bridge: " + out;
        auto again = nets.ensure(spec("/p", "lab", NetworkType::HostOnly, "192.168.60.0/24"));
        if (!again || *again != *host) return std::string("ensure is not idempotent");
        auto internal = nets.ensure(spec("/p", "back", NetworkType::Internal, "10.50.0.0/16"));
        if (!internal) return internal.error().what();
        out = sh("ip -o -4 addr show dev " + *internal);
        if (!out.empty()) return "internal bridge has an address: " + out;
        if (sh("ip -o link show " + *internal).find("UP") == std::string::npos)
            return std::string("internal bridge is down");
        return std::string();
    }));
}

TEST_CASE("overlapping subnets are refused with the other project named", "[root][netns]") {
    test::TempDir t;
    CHECK(test::in_new_netns([&] {
        auto nl = net::Netlink::open();
        if (!nl) return nl.error().what();
        net::HostNetworks nets(t / "networks.json", *nl);
        EXPECT_OK(nets.ensure(spec("/one", "lab", NetworkType::HostOnly, "192.168.56.0/24")));
        auto clash = nets.ensure(spec("/two", "net", NetworkType::HostOnly, "192.168.0.0/16"));
        if (clash) return std::string("overlap accepted");
        if (clash.error().message().find("/one") == std::string::npos ||
            clash.error().exit_code() != exit_code::invalid)
            return clash.error().message();
        if (nl->exists(net::bridge_name("/two", "net"))) return std::string("bridge made anyway");
        // A subnet already on a host interface is refused too.
        EXPECT_OK(nl->create_bridge("envhostnic"));
        EXPECT_OK(nl->add_address("envhostnic", "172.30.5.9/24"));
        auto host = nets.ensure(spec("/two", "net", NetworkType::HostOnly, "172.30.5.0/24"));
        if (host || host.error().message().find("envhostnic") == std::string::npos)
            return std::string("host interface overlap not reported");
        return std::string();
    }));
}

TEST_CASE("a bridge is removed with its claim only once no machine is attached", "[root][netns]") {
    test::TempDir t;
    CHECK(test::in_new_netns([&] {
        auto nl = net::Netlink::open();
        if (!nl) return nl.error().what();
        net::HostNetworks nets(t / "networks.json", *nl);
        auto s = spec("/p", "lab", NetworkType::HostOnly, "192.168.61.0/24");
        auto br = nets.ensure(s);
        if (!br) return br.error().what();
        std::string v = net::veth_name("/p", "web1", 1);
        EXPECT_OK(nl->create_veth(v, v + "p"));
        EXPECT_OK(nl->set_master(v, *br));
        auto busy = nets.release_if_unused(s);
        if (!busy || *busy || !nl->exists(*br)) return std::string("removed while in use");
        EXPECT_OK(nl->delete_link(v));
        auto done = nets.release_if_unused(s);
        if (!done || !*done || nl->exists(*br)) return std::string("not removed when unused");
        // The claim went with it: another project may now take the subnet.
        EXPECT_OK(nets.ensure(spec("/q", "lab", NetworkType::HostOnly, "192.168.61.0/24")));
        return std::string();
    }));
}

TEST_CASE("bridged networks need the host interface to exist", "[root][netns]") {
    test::TempDir t;
    CHECK(test::in_new_netns([&] {
        auto nl = net::Netlink::open();
        if (!nl) return nl.error().what();
        net::HostNetworks nets(t / "networks.json", *nl);
        net::HostNetworkSpec s{"/p", "up", NetworkType::Bridged, "", "envuplink"};
        auto missing = nets.ensure(s);
        if (missing || missing.error().message().find("envuplink") == std::string::npos)
            return std::string("missing interface not reported");
        EXPECT_OK(nl->create_veth("envuplink", "envuplinkp"));
        auto found = nets.ensure(s);
        if (!found || *found != "envuplink") return std::string("bridged link not returned");
        return std::string();
    }));
}

#include <catch2/catch.hpp>

#include "providers/kvm/vmm/config.h"

using namespace env;
using namespace env::kvm;

TEST_CASE("config: JSON keys fill the configuration, unknown keys are errors", "[kvm][config]") {
    auto c = parse_config_json(R"({"kernel":"/k","initrd":"/i","cmdline":"quiet","memory_mib":512,
        "vcpus":2,"hugepages":true,"console_log":"/log","control_socket":"/s"})");
    REQUIRE(c);
    CHECK(c->kernel == "/k");
    CHECK(c->initrd == "/i");
    CHECK(c->cmdline == "quiet");
    CHECK(c->memory_mib == 512);
    CHECK(c->vcpus == 2);
    CHECK(c->hugepages);
    CHECK(c->console_log == "/log");
    CHECK(c->control_socket == "/s");
    CHECK(validate(*c));
    auto bad = parse_config_json(R"({"kernal":"/k"})");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message().find("kernal") != std::string::npos);
    CHECK_FALSE(parse_config_json("{not json"));
    CHECK_FALSE(parse_config_json(R"({"vcpus":"two"})"));
    CHECK_FALSE(parse_config_json("[]"));
}

TEST_CASE("config: validation names what is wrong", "[kvm][config]") {
    VmmConfig c;
    CHECK(validate(c).error().kind() == ErrorKind::Usage);
    c.kernel = "/k";
    c.vcpus = 0;
    CHECK_FALSE(validate(c));
    c.vcpus = 33;
    CHECK_FALSE(validate(c));
    c.vcpus = 1;
    c.memory_mib = 8;
    CHECK_FALSE(validate(c));
    c.memory_mib = 256;
    c.control_socket = std::string(200, 'x');
    CHECK_FALSE(validate(c));
}

#include "providers/kvm/hypervisor/kvm.h"

TEST_CASE("KVM open: a missing device or a non-KVM device is a clear error", "[kvm][config]") {
    auto missing = Kvm::open("/nonexistent/kvm");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message().find("does not exist") != std::string::npos);
    auto notkvm = Kvm::open("/dev/null");
    REQUIRE_FALSE(notkvm);
    CHECK(notkvm.error().message().find("API version") != std::string::npos);
}

TEST_CASE("config: disks, NICs and rng from JSON and from the flags' short forms",
          "[kvm][config]") {
    auto c = parse_config_json(R"({"kernel":"/k","rng":false,
        "disks":[{"path":"/a.img"},{"path":"/b.img","read_only":true}],
        "nics":[{"backend":"slirp","mac":"52:54:00:aa:bb:cc",
                 "forwards":[{"proto":"tcp","host_port":2222,"guest_port":22}]},
                {"backend":"tap","tap":"envtap0"}]})");
    REQUIRE(c);
    CHECK_FALSE(c->rng);
    REQUIRE(c->disks.size() == 2);
    CHECK((c->disks[0].path == "/a.img" && !c->disks[0].read_only && c->disks[1].read_only));
    REQUIRE(c->nics.size() == 2);
    CHECK(c->nics[0].mac == std::array<uint8_t, 6>{0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc});
    REQUIRE(c->nics[0].forwards.size() == 1);
    CHECK((c->nics[0].forwards[0].host_port == 2222 && c->nics[0].forwards[0].guest_port == 22 &&
           c->nics[0].forwards[0].host_addr == "127.0.0.1"));
    CHECK((c->nics[1].backend == "tap" && c->nics[1].tap == "envtap0"));
    CHECK(validate(*c));
    CHECK_FALSE(parse_config_json(R"({"disks":[{"path":"/a","cache":"none"}]})"));
    CHECK_FALSE(parse_config_json(R"({"nics":[{"mac":"01:00:00:00:00:01"}]})"));  // multicast

    auto d = parse_disk_flag("/x.img,ro");
    REQUIRE(d);
    CHECK((d->path == "/x.img" && d->read_only));
    CHECK(parse_disk_flag("/x.img,rw").error().kind() == ErrorKind::Usage);
    auto o = parse_disk_flag("/o.img,base=/box.img");
    REQUIRE(o);
    CHECK((o->path == "/o.img" && o->base == "/box.img"));
    auto n = parse_nic_flag(
        "slirp,mac=52:54:00:00:00:01,forward=tcp:2222-22,forward=udp:0.0.0.0:5353-53");
    REQUIRE(n);
    REQUIRE(n->forwards.size() == 2);
    CHECK((n->forwards[1].proto == "udp" && n->forwards[1].host_addr == "0.0.0.0" &&
           n->forwards[1].host_port == 5353 && n->forwards[1].guest_port == 53));
    auto t = parse_nic_flag("tap=envtap1");
    REQUIRE(t);
    CHECK((t->backend == "tap" && t->tap == "envtap1"));
    CHECK_FALSE(parse_nic_flag("user"));
    CHECK_FALSE(parse_forward("tcp:2222"));
    CHECK_FALSE(parse_forward("tcp:70000-22"));

    VmmConfig v;
    v.kernel = "/k";
    v.nics = {NicConfig{
        .backend = "tap", .tap = "t0", .forwards = {PortForward{.host_port = 1, .guest_port = 2}}}};
    CHECK_FALSE(validate(v));  // forwards need slirp
    v.nics = {NicConfig{.backend = "vde"}};
    CHECK_FALSE(validate(v));
    v.nics.clear();
    v.disks = {DiskConfig{.path = "/o", .read_only = true, .base = "/b"}};
    CHECK_FALSE(validate(v));
}

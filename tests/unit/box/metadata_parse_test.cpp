#include <catch2/catch.hpp>

#include "box/metadata.h"

using env::box::Metadata;

TEST_CASE("container metadata fills defaults and keeps unknown fields", "[box]") {
    auto m = Metadata::parse(R"({"provider":"container","arch":"x86_64","init":"/sbin/init"})");
    REQUIRE(m);
    CHECK(m->provider == "container");
    CHECK(m->format == "rootfs");
    CHECK(m->rootfs == "rootfs");
    CHECK(m->user == "root");
    CHECK(m->extra["init"] == "/sbin/init");
    CHECK(env::box::rootfs_prefix(*m) == "rootfs");
}

TEST_CASE("kvm metadata needs a kernel and a disk", "[box]") {
    auto m = Metadata::parse(R"({"provider":"kvm","format":"raw","user":"env","kernel":"vmlinuz",
        "initrd":"initrd.img","disk":"disk.img","cmdline":"console=ttyS0 root=/dev/vda rw"})");
    REQUIRE(m);
    CHECK(m->user == "env");
    CHECK(m->disk == "disk.img");
    CHECK(m->cmdline == "console=ttyS0 root=/dev/vda rw");
    CHECK(env::box::rootfs_prefix(*m).empty());
    auto no_disk = Metadata::parse(R"({"provider":"kvm","kernel":"vmlinuz"})");
    REQUIRE_FALSE(no_disk);
    CHECK(no_disk.error().message().find("'disk' is missing") != std::string::npos);
}

TEST_CASE("bad metadata is rejected with the field named", "[box]") {
    auto msg = [](const char* text) {
        auto m = Metadata::parse(text);
        REQUIRE_FALSE(m);
        return m.error().message();
    };
    CHECK(msg("not json").find("metadata.json") != std::string::npos);
    CHECK(msg("[1]").find("not a JSON object") != std::string::npos);
    CHECK(msg("{}").find("'provider' is missing") != std::string::npos);
    CHECK(msg(R"({"provider":"virtualbox"})").find("unknown provider 'virtualbox'") !=
          std::string::npos);
    CHECK(msg(R"({"provider":"container","user":7})").find("'user' must be a string") !=
          std::string::npos);
    CHECK(msg(R"({"provider":"container","format":"qcow2"})").find("format") != std::string::npos);
    CHECK(msg(R"({"provider":"container","rootfs":"../up"})").find("inside the box") !=
          std::string::npos);
    CHECK(msg(R"({"provider":"kvm","kernel":"/boot/vmlinuz","disk":"d"})").find("'kernel'") !=
          std::string::npos);
}

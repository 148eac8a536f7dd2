#include <catch2/catch.hpp>

#include "providers/kvm/config.h"

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

#include "providers/kvm/kvm.h"

TEST_CASE("KVM open: a missing device or a non-KVM device is a clear error", "[kvm][config]") {
    auto missing = Kvm::open("/nonexistent/kvm");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message().find("does not exist") != std::string::npos);
    auto notkvm = Kvm::open("/dev/null");
    REQUIRE_FALSE(notkvm);
    CHECK(notkvm.error().message().find("API version") != std::string::npos);
}

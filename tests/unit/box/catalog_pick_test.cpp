#include <catch2/catch.hpp>

#include "box/catalog.h"

using namespace env::box;

static const char* kCatalog = R"({
  "name": "env/debian-12", "description": "Debian 12",
  "versions": [
    {"version": "1.0.0", "providers": [{"name": "container", "url": "debian-1.0.0.box",
                                        "checksum_type": "SHA256", "checksum": "AA"}]},
    {"version": "1.10.0", "providers": [{"name": "container", "url": "https://example.invalid/d.box"},
                                         {"name": "kvm", "url": "file:///srv/d.box"}]},
    {"version": "2.0.0", "providers": [{"name": "container", "url": "../debian-2.box"}]}
  ]})";

TEST_CASE("a catalog picks the newest version matching constraint and provider", "[box]") {
    auto c = Catalog::parse(kCatalog, "/srv/catalog/debian.json");
    REQUIRE(c);
    CHECK(c->name() == "env/debian-12");
    auto any = c->pick(*VersionConstraint::parse(""), "");
    REQUIRE(any);
    CHECK(any->version.str() == "2.0.0");
    CHECK(any->provider.url == "/srv/catalog/../debian-2.box");
    auto v1 = c->pick(*VersionConstraint::parse("~> 1.0"), "container");
    REQUIRE(v1);
    CHECK(v1->version.str() == "1.10.0");
    auto kvm = c->pick(*VersionConstraint::parse(""), "kvm");
    REQUIRE(kvm);
    CHECK(kvm->provider.url == "file:///srv/d.box");
    auto old = c->pick(*VersionConstraint::parse("< 1.5"), "container");
    REQUIRE(old);
    CHECK(old->provider.checksum_type == "sha256");
    auto none = c->pick(*VersionConstraint::parse(">= 3"), "container");
    REQUIRE_FALSE(none);
    CHECK(none.error().message().find("matching '>= 3'") != std::string::npos);
    CHECK(none.error().message().find("2.0.0 (container)") != std::string::npos);
}

TEST_CASE("relative box urls resolve against the catalog's URL or path", "[box]") {
    CHECK(resolve_url("http://127.0.0.1:8080/c/cat.json?x=1", "b.box") ==
          "http://127.0.0.1:8080/c/b.box");
    CHECK(resolve_url("http://127.0.0.1:8080", "b.box") == "http://127.0.0.1:8080/b.box");
    CHECK(resolve_url("cat.json", "b.box") == "b.box");
    CHECK(resolve_url("/a/cat.json", "https://x/b.box") == "https://x/b.box");
}

TEST_CASE("a catalog without name or with a bad version is rejected", "[box]") {
    CHECK_FALSE(Catalog::parse(R"({"versions":[]})", "c.json"));
    auto bad = Catalog::parse(R"({"name":"x","versions":[{"version":"one"}]})", "c.json");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message().find("c.json") != std::string::npos);
    CHECK_FALSE(Catalog::parse(
        R"({"name":"x","versions":[{"version":"1","providers":[{"name":"kvm","url":"u",
        "checksum":"a","checksum_type":"crc"}]}]})",
        "c.json"));
}

#include <catch2/catch.hpp>

#include "box/checksum.h"

using namespace env::box;

TEST_CASE("checksums compare after normalising case and whitespace", "[box]") {
    CHECK(normalize_checksum("  AB12 Cd\n") == "ab12cd");
    CHECK(verify_checksum("x", "sha256", "ABCDEF\n", "abcdef"));
    auto bad = verify_checksum("http://h/b.box", "sha256", "abc", "abd");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message() ==
          "checksum mismatch for http://h/b.box: expected sha256 abc, got abd");
}

TEST_CASE("checksum types are case-insensitive and limited to the known four", "[box]") {
    CHECK(*normalize_checksum_type("SHA256") == "sha256");
    CHECK(*normalize_checksum_type("") == "sha256");
    CHECK(*normalize_checksum_type("md5") == "md5");
    CHECK_FALSE(normalize_checksum_type("crc32"));
}

TEST_CASE("each digest type gives the known digest of 'abc'", "[box]") {
    auto digest = [](const char* type) {
        auto h = Hasher::create(type);
        REQUIRE(h);
        h->update("abc", 3);
        return h->hex();
    };
    CHECK(digest("sha256") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(digest("sha1") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(digest("md5") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(digest("sha512").starts_with("ddaf35a193617abacc417349ae204131"));
}

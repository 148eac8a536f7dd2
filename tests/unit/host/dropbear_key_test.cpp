// The machine's OpenSSH-format host key rewritten for dropbear, byte for byte what
// dropbearconvert makes of it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>

#include "host/dropbear_key.h"
#include "ssh/keys.h"
#include "unit/container/temp_dir.h"
#include "util/sys.h"

using env::host::dropbear_host_key_from_openssh;

TEST_CASE("an ed25519 host key converts to dropbear's format", "[container]") {
    env::test::TempDir t;
    REQUIRE(env::ssh::generate_key_pair(t.path + "/key", "host@m"));
    auto bytes = dropbear_host_key_from_openssh(t.path + "/key");
    REQUIRE(bytes);
    // string "ssh-ed25519" (4 + 11) then string of seed + public key (4 + 64).
    CHECK(bytes->size() == 83);
    CHECK(bytes->substr(4, 11) == "ssh-ed25519");
    if (::access("/usr/bin/dropbearconvert", X_OK) != 0) {
        WARN("dropbearconvert missing (apt-get install dropbear-bin): not compared with it");
        return;
    }
    std::string cmd = "/usr/bin/dropbearconvert openssh dropbear " + (t.path + "/key") + " " +
                      (t.path + "/key.dropbear") + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(*bytes == *env::sys::read_file(t.path + "/key.dropbear"));
}

TEST_CASE("a file that is not an OpenSSH private key is refused", "[container]") {
    env::test::TempDir t;
    REQUIRE(env::sys::write_file_atomic(t.path + "/junk", "ssh-ed25519 AAAA not a private key\n"));
    auto r = dropbear_host_key_from_openssh(t.path + "/junk");
    REQUIRE(!r);
    CHECK(r.error().message().find("not an OpenSSH private key") != std::string::npos);
}

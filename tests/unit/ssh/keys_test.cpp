// Key generation: OpenSSH-format ed25519 pairs with safe modes, readable by OpenSSH.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "ssh/keys.h"
#include "util/sys.h"

using namespace env;
using namespace env::ssh;

namespace {
struct TempDir {
    std::string path;
    TempDir() {
        char t[] = "/tmp/env-keys-XXXXXX";
        path = ::mkdtemp(t);
    }
    ~TempDir() { (void)sys::remove_tree(path); }
};
mode_t mode_of(const std::string& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("generated key pairs are OpenSSH ed25519 keys with a 0600 private key", "[ssh]") {
    TempDir d;
    auto k = ensure_machine_keys(d.path + "/keys", "web");
    REQUIRE(k);
    std::string priv = *sys::read_file(k->identity_file);
    CHECK(priv.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    CHECK(mode_of(k->identity_file) == 0600);
    CHECK(mode_of(k->host_key_file) == 0600);
    std::string pub = *sys::read_file(k->public_key_file);
    CHECK(pub.starts_with("ssh-ed25519 AAAA"));
    CHECK(pub.ends_with(" env@web\n"));

    // The public key line derives from the private key, and the two pairs differ.
    auto from_priv = public_key_line(k->identity_file);
    auto from_pub = public_key_line(k->public_key_file);
    REQUIRE(from_priv);
    REQUIRE(from_pub);
    CHECK(*from_priv == *from_pub);
    CHECK(*public_key_line(k->host_key_file) != *from_priv);
    CHECK(fingerprint(k->identity_file)->starts_with("SHA256:"));
}

TEST_CASE("ensure_machine_keys keeps existing keys", "[ssh]") {
    TempDir d;
    auto a = ensure_machine_keys(d.path, "db");
    REQUIRE(a);
    std::string first = *sys::read_file(a->identity_file);
    auto b = ensure_machine_keys(d.path, "db");
    REQUIRE(b);
    CHECK(*sys::read_file(b->identity_file) == first);
}

TEST_CASE("OpenSSH's ssh-keygen reads our private key and derives the same public key", "[ssh]") {
    if (::access("/usr/bin/ssh-keygen", X_OK) != 0) {
        ENV_SKIP("/usr/bin/ssh-keygen missing (openssh-client)");
    }
    TempDir d;
    REQUIRE(generate_key_pair(d.path + "/id", "c"));
    FILE* p = ::popen(("ssh-keygen -y -f " + d.path + "/id").c_str(), "r");
    REQUIRE(p);
    char buf[512] = {};
    size_t n = std::fread(buf, 1, sizeof buf - 1, p);
    REQUIRE(::pclose(p) == 0);
    std::string derived(buf, n);
    CHECK(derived.starts_with(*public_key_line(d.path + "/id.pub")));
}

TEST_CASE("known_hosts lines use [host]:port except for port 22", "[ssh]") {
    CHECK(known_hosts_line("127.0.0.1", 2222, "ssh-ed25519 AAAAx") ==
          "[127.0.0.1]:2222 ssh-ed25519 AAAAx\n");
    CHECK(known_hosts_line("10.0.0.5", 22, "ssh-ed25519 AAAAx") == "10.0.0.5 ssh-ed25519 AAAAx\n");
}

TEST_CASE("a missing key file is a clear error", "[ssh]") {
    auto r = public_key_line("/nonexistent/id_ed25519");
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("/nonexistent/id_ed25519") != std::string::npos);
}

TEST_CASE("a pinned key loads from its private key, its .pub or a known_hosts file", "[ssh]") {
    TempDir d;
    REQUIRE(generate_key_pair(d.path + "/host", "h"));
    REQUIRE(write_known_hosts(d.path + "/known_hosts", "127.0.0.1", 2222, d.path + "/host.pub"));
    REQUIRE(
        sys::write_file_atomic(d.path + "/kh_with_comments",
                               "# pinned by env\n\n" + *sys::read_file(d.path + "/known_hosts")));
    auto want = public_key_line(d.path + "/host.pub");
    REQUIRE(want);
    for (const char* f : {"/host", "/host.pub", "/known_hosts", "/kh_with_comments"}) {
        auto got = public_key_line(d.path + f);
        REQUIRE(got);
        CHECK(*got == *want);
    }
    REQUIRE(sys::write_file_atomic(d.path + "/junk", "not a key\n"));
    auto junk = load_public_key(d.path + "/junk");
    REQUIRE_FALSE(junk);
    CHECK(junk.error().message().find("no SSH public key") != std::string::npos);
}

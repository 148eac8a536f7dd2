#include <catch2/catch.hpp>

#include "box/path_guard.h"

using namespace env::box;

TEST_CASE("member names are normalised and escapes refused", "[box]") {
    CHECK(*normalize_member("./a//b/./c") == "a/b/c");
    CHECK(*normalize_member("./") == "");
    CHECK_FALSE(normalize_member("/etc/x"));
    CHECK_FALSE(normalize_member("a/../../x"));
    CHECK_FALSE(normalize_member("a/.."));  // even when it stays inside: there is no need for it
}

TEST_CASE("symlinks are judged against the rootfs inside it and the box elsewhere", "[box]") {
    CHECK(symlink_stays_inside("rootfs/bin/sh", "/bin/busybox", "rootfs"));
    CHECK(symlink_stays_inside("rootfs/bin/sh", "busybox", "rootfs"));
    CHECK(symlink_stays_inside("rootfs/lib64", "usr/lib64", "rootfs"));
    CHECK(symlink_stays_inside("rootfs/a/b", "../etc", "rootfs"));
    CHECK_FALSE(symlink_stays_inside("rootfs/a/b", "../../etc", "rootfs"));
    CHECK_FALSE(symlink_stays_inside("rootfs/x", "..", "rootfs"));
    CHECK_FALSE(symlink_stays_inside("vmlinuz", "/boot/vmlinuz", "rootfs"));
    CHECK_FALSE(symlink_stays_inside("vmlinuz", "/boot/vmlinuz", ""));
    CHECK(symlink_stays_inside("kernel/vmlinuz", "../vmlinuz-6.1", ""));
    CHECK_FALSE(symlink_stays_inside("rootfs", "/", "rootfs"));  // the rootfs itself is no link
    CHECK_FALSE(symlink_stays_inside("x", "", ""));
}

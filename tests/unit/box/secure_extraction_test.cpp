// Crafted archives against extract_secure(): every escape is refused with the entry named,
// and nothing lands outside the destination.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <dirent.h>
#include <catch2/catch.hpp>

#include "box/extract.h"
#include "tests/unit/box/archive_writer.h"
#include "util/sys.h"

using namespace env::box;
using env::box::test::ArchiveWriter;
using env::box::test::TempDir;

namespace {

ExtractPolicy container_policy() {
    ExtractPolicy p;
    p.rootfs = "rootfs";
    p.devices_in_rootfs_dev = true;
    p.preserve_owner = ::geteuid() == 0;
    return p;
}

// Entries of a directory (names only), to prove nothing appeared beside dest.
std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d))
            if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
                out.push_back(e->d_name);
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Extracts into <tmp>/jail/dest and expects failure naming `entry`; <tmp>/jail must then
// hold nothing but dest, and the host path `host_probe` must not exist.
void expect_rejected(const std::function<void(ArchiveWriter&)>& build, const std::string& entry,
                     const ExtractPolicy& policy, const std::string& host_probe = "") {
    TempDir tmp;
    std::string archive = tmp.path() + "/evil.tar";
    {
        ArchiveWriter w(archive);
        build(w);
    }
    std::string jail = tmp.path() + "/jail", dest = jail + "/dest";
    REQUIRE(env::sys::make_dirs(dest));
    auto r = extract_secure(archive, dest, policy);
    REQUIRE_FALSE(r);
    INFO(r.error().message());
    CHECK(r.error().message().find("entry '" + entry + "'") != std::string::npos);
    CHECK(entries(jail) == std::vector<std::string>{"dest"});
    if (!host_probe.empty()) CHECK_FALSE(env::sys::exists(host_probe));
}

std::string probe_name() {
    return "env-box-escape-" + std::to_string(::getpid());
}

}  // namespace

TEST_CASE("an entry with .. is rejected and nothing is written beside the box", "[box]") {
    expect_rejected([](ArchiveWriter& w) { w.file("metadata.json", "{}").file("../x", "evil"); },
                    "../x", container_policy());
    expect_rejected([](ArchiveWriter& w) { w.file("rootfs/a/../../../x", "evil"); },
                    "rootfs/a/../../../x", container_policy());
}

TEST_CASE("an absolute entry name is rejected", "[box]") {
    std::string probe = "/tmp/" + probe_name();
    expect_rejected([&](ArchiveWriter& w) { w.file(probe, "evil"); }, probe, container_policy(),
                    probe);
    expect_rejected([](ArchiveWriter& w) { w.file("/etc/x", "evil"); }, "/etc/x",
                    container_policy(), "/etc/x");
}

TEST_CASE("a symlink to / outside a rootfs is rejected", "[box]") {
    ExtractPolicy kvm;  // no rootfs: absolute targets point at the host
    expect_rejected([](ArchiveWriter& w) { w.symlink("evil", "/"); }, "evil", kvm);
    expect_rejected([](ArchiveWriter& w) { w.symlink("up", "../../.."); }, "up", kvm);
}

TEST_CASE("a file written through a symlink to / inside a rootfs is rejected", "[box]") {
    std::string probe = probe_name();
    // The link itself is fine in a rootfs (it means the rootfs's own /), the file is not.
    expect_rejected(
        [&](ArchiveWriter& w) {
            w.dir("rootfs").symlink("rootfs/evil", "/").file("rootfs/evil/tmp/" + probe, "x");
        },
        "rootfs/evil/tmp/" + probe, container_policy(), "/tmp/" + probe);
    // Replacing the symlink by a directory entry would chmod whatever it points at.
    expect_rejected(
        [&](ArchiveWriter& w) { w.symlink("rootfs/tmp2", "/tmp").dir("rootfs/tmp2", 0777); },
        "rootfs/tmp2/", container_policy());
}

TEST_CASE("a relative symlink climbing out of the rootfs is rejected", "[box]") {
    expect_rejected(
        [](ArchiveWriter& w) { w.symlink("rootfs/etc/shadow2", "../../../etc/shadow"); },
        "rootfs/etc/shadow2", container_policy());
}

TEST_CASE("a hard link to a file outside the box is rejected", "[box]") {
    expect_rejected([](ArchiveWriter& w) { w.hardlink("rootfs/passwd", "/etc/passwd"); },
                    "rootfs/passwd", container_policy());
    expect_rejected([](ArchiveWriter& w) { w.hardlink("rootfs/passwd", "../../etc/passwd"); },
                    "rootfs/passwd", container_policy());
    // Through a symlink that is itself allowed.
    expect_rejected(
        [](ArchiveWriter& w) {
            w.symlink("rootfs/hostetc", "/etc").hardlink("rootfs/p", "rootfs/hostetc/passwd");
        },
        "rootfs/p", container_policy());
}

TEST_CASE("device nodes and FIFOs are rejected outside the rootfs's /dev", "[box]") {
    ExtractPolicy kvm;
    expect_rejected([](ArchiveWriter& w) { w.chardev("disk", makedev(8, 0)); }, "disk", kvm);
    expect_rejected([](ArchiveWriter& w) { w.chardev("rootfs/etc/mem", makedev(1, 1)); },
                    "rootfs/etc/mem", container_policy());
    expect_rejected([](ArchiveWriter& w) { w.fifo("rootfs/tmp/fifo"); }, "rootfs/tmp/fifo",
                    container_policy());
    expect_rejected([](ArchiveWriter& w) { w.chardev("rootfs/dev/null", makedev(1, 3)); },
                    "rootfs/dev/null", kvm);
}

TEST_CASE("file data beyond the allowed total is rejected with the entry named", "[box]") {
    ExtractPolicy p = container_policy();
    p.max_total_bytes = 1 << 20;
    expect_rejected(
        [](ArchiveWriter& w) { w.file("rootfs/a", "small").zeros("rootfs/big", 4 << 20); },
        "rootfs/big", p);
}

TEST_CASE("a rootfs keeps its absolute symlinks, modes, hard links and ownership", "[box]") {
    TempDir tmp;
    std::string archive = tmp.path() + "/ok.tar.gz";
    {
        ArchiveWriter w(archive, true);
        w.file("metadata.json", R"({"provider":"container"})")
            .dir("./rootfs")
            .dir("rootfs/bin")
            .file("rootfs/bin/busybox", "#!", 04755)
            .symlink("rootfs/bin/sh", "/bin/busybox")
            .hardlink("rootfs/bin/ash", "rootfs/bin/busybox")
            .file("rootfs/home/u/.profile", "x", 0600, 1234)
            .dir("rootfs/tmp", 01777);
    }
    std::string dest = tmp.path() + "/dest";
    REQUIRE(env::sys::make_dirs(dest));
    auto r = extract_secure(archive, dest, container_policy());
    REQUIRE(r);
    CHECK(r->entries == 8);
    char buf[64] = {};
    REQUIRE(::readlink((dest + "/rootfs/bin/sh").c_str(), buf, sizeof buf - 1) > 0);
    CHECK(std::string(buf) == "/bin/busybox");
    struct stat a, b, t;
    REQUIRE(::stat((dest + "/rootfs/bin/busybox").c_str(), &a) == 0);
    REQUIRE(::stat((dest + "/rootfs/bin/ash").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
    REQUIRE(::stat((dest + "/rootfs/tmp").c_str(), &t) == 0);
    CHECK((t.st_mode & 07777) == 01777);
    struct stat h;
    REQUIRE(::stat((dest + "/rootfs/home/u/.profile").c_str(), &h) == 0);
    CHECK((h.st_mode & 0777) == 0600);
    if (::geteuid() == 0) {
        CHECK(h.st_uid == 1234);
        CHECK((a.st_mode & 07777) == 04755);
    } else {
        ENV_SKIP("not root: ownership and setuid are not restored, so not checked");
    }
}

TEST_CASE("device nodes under the rootfs's /dev are created for containers", "[box][root]") {
    if (::geteuid() != 0) {
        ENV_SKIP("mknod needs root");
    }
    TempDir tmp;
    std::string archive = tmp.path() + "/dev.tar";
    {
        ArchiveWriter w(archive);
        w.chardev("rootfs/dev/null", makedev(1, 3)).fifo("rootfs/dev/initctl");
    }
    std::string dest = tmp.path() + "/dest";
    REQUIRE(env::sys::make_dirs(dest));
    REQUIRE(extract_secure(archive, dest, container_policy()));
    struct stat st;
    REQUIRE(::lstat((dest + "/rootfs/dev/null").c_str(), &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK(st.st_rdev == makedev(1, 3));
}

TEST_CASE("metadata.json is read without extracting the box", "[box]") {
    TempDir tmp;
    std::string archive = tmp.path() + "/m.tar.gz";
    {
        ArchiveWriter w(archive, true);
        w.file("./metadata.json", R"({"provider":"kvm","kernel":"vmlinuz","disk":"disk.img"})")
            .zeros("disk.img", 4096);
    }
    auto m = read_box_metadata(archive);
    REQUIRE(m);
    CHECK(m->provider == "kvm");
    std::string none = tmp.path() + "/none.tar";
    {
        ArchiveWriter w(none);
        w.file("x", "y");
    }
    auto bad = read_box_metadata(none);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message().find("no metadata.json") != std::string::npos);
}

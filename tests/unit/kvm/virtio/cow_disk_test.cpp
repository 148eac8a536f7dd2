// The copy-on-write overlay: the base stays untouched, flushed writes survive a crash,
// unflushed ones may vanish but never corrupt, a changed base is refused.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "providers/kvm/virtio/block/cow_disk.h"
#include "test_support.h"

using namespace env;
using namespace env::kvm::virtio;

namespace {
constexpr uint64_t kSize = 8 * kCowClusterSize + 4096;  // a partial last cluster too

struct Cow {
    test::TempDir dir;
    std::string base = dir / "base.img", overlay = dir / "machine.img";
    Cow() {
        std::string b(kSize, 'B');
        REQUIRE(sys::write_file_atomic(base, b, 0444));
    }
    std::unique_ptr<DiskImage> open() { return open_cow_disk(base, overlay).value(); }
};

std::string read(DiskImage& d, uint64_t off, size_t n) {
    std::string s(n, '\0');
    d.read(off, {reinterpret_cast<unsigned char*>(s.data()), n}).value();
    return s;
}
void write(DiskImage& d, uint64_t off, const std::string& s) {
    d.write(off, {reinterpret_cast<const unsigned char*>(s.data()), s.size()}).value();
}
}  // namespace

TEST_CASE("a new overlay reads the base and writes only into the overlay") {
    Cow c;
    auto d = c.open();
    CHECK(d->size() == kSize);
    CHECK(read(*d, 100, 4) == "BBBB");
    write(*d, kCowClusterSize - 2, "wxyz");  // straddles two clusters, both copied up
    CHECK(read(*d, kCowClusterSize - 4, 8) == "BBwxyzBB");
    write(*d, kSize - 10, "end");  // the partial last cluster
    CHECK(read(*d, kSize - 11, 5) == "BendB");
    CHECK(sys::read_file(c.base).value() == std::string(kSize, 'B'));
}

TEST_CASE("an overlay survives a clean reopen") {
    Cow c;
    {
        auto d = c.open();
        write(*d, 3 * kCowClusterSize + 5, "kept");
    }
    auto d = c.open();
    CHECK(read(*d, 3 * kCowClusterSize + 4, 6) == "BkeptB");
}

TEST_CASE("after a crash, flushed writes are there and unflushed ones read as the base") {
    Cow c;
    pid_t pid = ::fork();
    if (pid == 0) {
        auto d = open_cow_disk(c.base, c.overlay);
        if (!d) ::_exit(1);
        std::string a = "flushed", b = "lost";
        (void)(*d)->write(0, {reinterpret_cast<const unsigned char*>(a.data()), a.size()});
        if (!(*d)->flush()) ::_exit(2);
        (void)(*d)->write(5 * kCowClusterSize,
                          {reinterpret_cast<const unsigned char*>(b.data()), b.size()});
        ::_exit(0);  // no destructor, no flush: as if the VMM was killed
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    auto d = c.open();
    CHECK(read(*d, 0, 8) == "flushedB");
    CHECK(read(*d, 5 * kCowClusterSize, 4) == "BBBB");
}

TEST_CASE("write-zeroes and discard on an overlay never expose stale data") {
    Cow c;
    auto d = c.open();
    d->write_zeroes(kCowClusterSize, 2 * kCowClusterSize).value();  // whole clusters: holes
    d->write_zeroes(10, 20).value();                                // partial: zero bytes
    CHECK(read(*d, kCowClusterSize, 4) == std::string(4, '\0'));
    CHECK(read(*d, 3 * kCowClusterSize - 1, 2) == std::string("\0B", 2));
    CHECK(read(*d, 9, 22) == "B" + std::string(20, '\0') + "B");
    d->discard(4 * kCowClusterSize, kCowClusterSize).value();
    CHECK(read(*d, 4 * kCowClusterSize, 1) == std::string(1, '\0'));
}

TEST_CASE("an overlay refuses a base image that changed since it was made") {
    Cow c;
    c.open()->flush().value();
    ::chmod(c.base.c_str(), 0644);
    std::string b(kSize, 'C');
    REQUIRE(sys::write_file_atomic(c.base, b));
    auto d = open_cow_disk(c.base, c.overlay);
    REQUIRE_FALSE(d);
    CHECK_THAT(d.error().message(), Catch::Contains("changed since"));
}

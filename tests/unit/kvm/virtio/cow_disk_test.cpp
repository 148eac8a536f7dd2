// The copy-on-write overlay: the base stays untouched, flushed writes survive a crash,
// unflushed ones may vanish but never corrupt, a changed base is refused.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

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

TEST_CASE("an overlay killed with SIGKILL at a random moment keeps every acknowledged flush") {
    test::TempDir dir;
    std::string base = dir / "base.img", overlay = dir / "machine.img";
    {
        auto f = sys::open(base, O_CREAT | O_WRONLY, 0444).value();
        REQUIRE(::ftruncate(f.get(), 1024ull * kCowClusterSize) == 0);  // sparse: reads zeros
    }
    auto pattern = [](uint64_t c) { return std::string(4096, static_cast<char>(c % 251 + 1)); };
    int acks[2];
    REQUIRE(::pipe(acks) == 0);
    pid_t pid = ::fork();
    if (pid == 0) {  // a VMM writing a new cluster and flushing, over and over
        ::close(acks[0]);
        auto d = open_cow_disk(base, overlay);
        if (!d) ::_exit(1);
        for (uint32_t c = 0; c < 1024; ++c) {
            std::string p = pattern(c);
            if (!(*d)->write(c * uint64_t{kCowClusterSize} + 512,
                             {reinterpret_cast<const unsigned char*>(p.data()), p.size()}) ||
                !(*d)->flush())
                ::_exit(2);
            if (::write(acks[1], &c, sizeof c) != sizeof c) ::_exit(3);  // "the guest saw OK"
        }
        ::_exit(0);
    }
    ::close(acks[1]);
    uint32_t last = 0, c;
    int got = 0;
    while (got < 5 && ::read(acks[0], &c, sizeof c) == sizeof c)
        last = c, ++got;  // let it run a bit
    ::kill(pid, SIGKILL);
    while (::read(acks[0], &c, sizeof c) == sizeof c) last = c;
    ::close(acks[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(got == 5);
    auto d = open_cow_disk(base, overlay).value();
    for (uint64_t k = 0; k <= last; ++k)  // every acknowledged write is there, whole
        REQUIRE(read(*d, k * kCowClusterSize + 512, 4096) == pattern(k));
    std::string next = read(*d, (last + 1) * uint64_t{kCowClusterSize} + 512, 4096);
    CHECK((next == pattern(last + 1) || next == std::string(4096, '\0')));  // in flight: old or new
    CHECK(read(*d, (last + 2) * uint64_t{kCowClusterSize}, 8) == std::string(8, '\0'));
}

TEST_CASE("an overlay reads like a flat disk under random writes, zeroes, flushes and reopens") {
    Cow c;  // base: kSize bytes of 'B'
    std::string model(kSize, 'B');
    auto d = c.open();
    uint64_t state = 12345;  // a fixed xorshift sequence: reproducible
    auto next = [&] {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        return state;
    };
    for (int op = 0; op < 3000; ++op) {
        uint64_t off = next() % kSize;
        uint64_t len = 1 + next() % std::min<uint64_t>(kSize - off, 3 * kCowClusterSize);
        switch (next() % 8) {
            case 0:
                d->write_zeroes(off, len).value();
                model.replace(off, len, std::string(len, '\0'));
                break;
            case 1:
                d->flush().value();
                break;
            case 2:
                if (op % 50 == 0)
                    d = c.open();  // the destructor flushes, the new one reloads the map
                break;
            default: {
                std::string bytes(len, static_cast<char>('a' + op % 26));
                write(*d, off, bytes);
                model.replace(off, len, bytes);
            }
        }
        uint64_t roff = next() % kSize,
                 rlen = 1 + next() % std::min<uint64_t>(kSize - roff, 2 * kCowClusterSize);
        REQUIRE(read(*d, roff, rlen) == model.substr(roff, rlen));
    }
    d.reset();
    CHECK(read(*c.open(), 0, kSize) == model);
    CHECK(sys::read_file(c.base).value() == std::string(kSize, 'B'));
}

TEST_CASE("an existing file without an overlay map is never overwritten") {
    Cow c;
    REQUIRE(sys::write_file_atomic(c.overlay, "somebody's data"));
    auto d = open_cow_disk(c.base, c.overlay);
    REQUIRE_FALSE(d);
    CHECK_THAT(d.error().message(), Catch::Contains("refusing to overwrite"));
    CHECK(sys::read_file(c.overlay).value() == "somebody's data");
}

TEST_CASE("open_disk picks an overlay when a base is given, a raw image otherwise") {
    Cow c;
    auto overlay = open_disk(c.overlay, c.base, false).value();
    write(*overlay, 0, "x");
    overlay.reset();
    CHECK(sys::exists(c.overlay + ".map"));
    auto raw = open_disk(c.base, "", true).value();
    CHECK(raw->read_only());
    CHECK(read(*raw, 0, 1) == "B");
    CHECK_FALSE(open_disk(c.overlay, c.base, true));
}

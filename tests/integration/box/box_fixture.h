#pragma once
// Builds small container boxes in memory for the add/update/prune tests, and points
// ENV_HOME at a temporary directory for the lifetime of the fixture.
#include <cstdlib>
#include <random>
#include <string>

#include "box/checksum.h"
#include "tests/unit/box/archive_writer.h"
#include "util/sys.h"

namespace env::box::test {

struct BuiltBox {
    std::string bytes;
    std::string sha256;
};

// A container box whose rootfs/etc/version says `tag`, with `payload` bytes of noise so
// that a download has a middle to drop in.
inline BuiltBox build_box(const TempDir& tmp, const std::string& tag, size_t payload = 2 << 20) {
    std::string path = tmp.path() + "/build-" + tag + ".box";
    {
        ArchiveWriter w(path);
        std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(tag)));
        std::string noise(payload, '\0');
        for (auto& c : noise) c = static_cast<char>(rng());
        w.file("metadata.json",
               R"({"provider":"container","format":"rootfs","arch":"x86_64","user":"root"})")
            .dir("rootfs")
            .dir("rootfs/etc")
            .file("rootfs/etc/version", tag + "\n")
            .symlink("rootfs/bin", "usr/bin")
            .file("rootfs/noise", noise);
    }
    BuiltBox b;
    b.bytes = *env::sys::read_file(path);
    auto h = Hasher::create("sha256");
    h->update(b.bytes.data(), b.bytes.size());
    b.sha256 = h->hex();
    ::unlink(path.c_str());
    return b;
}

class EnvHome {
public:
    EnvHome() {
        const char* old = std::getenv("ENV_HOME");
        had_ = old != nullptr;
        if (old) old_ = old;
        ::setenv("ENV_HOME", dir_.path().c_str(), 1);
    }
    ~EnvHome() {
        if (had_)
            ::setenv("ENV_HOME", old_.c_str(), 1);
        else
            ::unsetenv("ENV_HOME");
    }
    std::string path() const { return dir_.path(); }
    std::string boxes() const { return dir_.path() + "/boxes"; }

private:
    TempDir dir_;
    bool had_ = false;
    std::string old_;
};

}  // namespace env::box::test

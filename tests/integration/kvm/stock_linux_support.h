#pragma once
// What the stock-Linux tests share: where fetch-kernel.sh caches Debian's kernel, busybox
// and the virtio modules; the speed probe that decides whether a stock kernel can boot
// here in reasonable time; a newc cpio writer for their initrds.
#include <optional>
#include <regex>
#include <string>

#include "vmm_process.h"

namespace env::kvm::test {

using namespace std::chrono_literals;

inline std::optional<std::string> cache_dir() {
    if (const char* d = std::getenv("ENV_KERNEL_CACHE")) return std::string(d);
    if (const char* h = std::getenv("HOME")) return std::string(h) + "/.cache/env-test-kernel";
    return std::nullopt;
}
inline const char* kNoKernel =
    "Debian's cloud kernel is not in the cache; run tests/guest/fetch-kernel.sh to test it";

struct Probe {
    bool accelerated = false;
    double mips = 0;
    std::string text;
};
inline Probe run_probe() {
    VmmProcess p;
    p.start({"--probe"});
    auto st = p.wait(120s);
    Probe r;
    r.text = p.errors();
    std::smatch m;
    std::regex re("accelerated=(yes|no) mips=([0-9.]+)");
    if (st && std::regex_search(r.text, m, re)) {
        r.accelerated = m[1] == "yes";
        r.mips = std::stod(m[2]);
    }
    return r;
}

// A newc cpio archive (the initramfs format, Documentation/driver-api/early-userspace).
class Cpio {
public:
    void add(const std::string& name, uint32_t mode, const std::string& data = {},
             uint32_t rmaj = 0, uint32_t rmin = 0) {
        char h[111];
        snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
                 ++ino_, mode, 0u, 0u, 1u, 0u, data.size(), 0u, 0u, rmaj, rmin, name.size() + 1,
                 0u);
        out += h;
        out += name;
        out += '\0';
        pad();
        out += data;
        pad();
    }
    std::string finish() {
        add("TRAILER!!!", 0);
        return out;
    }
    std::string out;

private:
    void pad() {
        while (out.size() % 4) out += '\0';
    }
    uint32_t ino_ = 0;
};

}  // namespace env::kvm::test

#pragma once
// Owns an mmap'd region; unmaps it on destruction. Move-only.
#include <sys/mman.h>

#include <cstddef>
#include <utility>

#include "util/error.h"

namespace env {

class Mapping {
public:
    Mapping() = default;
    Mapping(void* addr, size_t size) : addr_(addr), size_(size) {}
    Mapping(Mapping&& o) noexcept
        : addr_(std::exchange(o.addr_, nullptr)), size_(std::exchange(o.size_, 0)) {}
    Mapping& operator=(Mapping&& o) noexcept {
        if (this != &o) {
            reset();
            addr_ = std::exchange(o.addr_, nullptr);
            size_ = std::exchange(o.size_, 0);
        }
        return *this;
    }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() { reset(); }

    // mmap(2) wrapper; fd may be -1 with MAP_ANONYMOUS.
    static Result<Mapping> map(size_t size, int prot, int flags, int fd = -1, off_t offset = 0);

    void* data() const { return addr_; }
    unsigned char* bytes() const { return static_cast<unsigned char*>(addr_); }
    size_t size() const { return size_; }
    explicit operator bool() const { return addr_ != nullptr; }
    void reset() {
        if (addr_) ::munmap(addr_, size_);
        addr_ = nullptr;
        size_ = 0;
    }

private:
    void* addr_ = nullptr;
    size_t size_ = 0;
};

}  // namespace env

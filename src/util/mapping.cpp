#include "util/mapping.h"

namespace env {

Result<Mapping> Mapping::map(size_t size, int prot, int flags, int fd, off_t offset) {
    void* p = ::mmap(nullptr, size, prot, flags, fd, offset);
    if (p == MAP_FAILED) return fail_errno("mmap " + std::to_string(size) + " bytes");
    return Mapping(p, size);
}

}  // namespace env

#include "util/lazy_library.h"

#include <cstdio>
#include <cstdlib>

namespace env::lazy {

void* open_library(const char* soname) {
    void* h = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
        std::fprintf(stderr, "env: cannot load %s: %s\n", soname, ::dlerror());
        std::abort();
    }
    return h;
}

void* lookup(void* library, const char* name) {
    void* p = ::dlsym(library, name);
    if (p == nullptr) {
        std::fprintf(stderr, "env: cannot find %s: %s\n", name, ::dlerror());
        std::abort();
    }
    return p;
}

}  // namespace env::lazy

#pragma once
// Shared libraries opened on first use instead of at program start. Linked normally, a
// library and its dependencies are mapped and relocated by every process of the program,
// which costs start-up time and resident pages even where it is never called: libcurl and
// libarchive in every `env` command though only `box add` uses them (box/lazy_libs.cpp),
// libslirp with glib in every env-vmm though only a NAT NIC uses it (net/lazy_slirp.cpp).
// Such a module defines the library's functions the program calls, each forwarding to the
// real one, looked up in the library's own handle: a program that also links the library
// (some tests do) still reaches the real function, never the forwarder again.
#include <dlfcn.h>

namespace env::lazy {

// dlopen(soname); a library that cannot be loaded ends the program with its name: the
// package that provides it is a dependency of ours, so this is a broken installation.
void* open_library(const char* soname);
// dlsym, ending the program the same way when the symbol is missing.
void* lookup(void* library, const char* name);

}  // namespace env::lazy

// One forwarding definition: the real function is looked up once, on the first call.
#define ENV_FORWARD(library, ret, name, params, args)                                       \
    extern "C" ret name params {                                                            \
        static auto real = reinterpret_cast<ret(*) params>(env::lazy::lookup(library(), #name)); \
        return real args;                                                                   \
    }

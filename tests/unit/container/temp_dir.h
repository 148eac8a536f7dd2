#pragma once
#include <stdlib.h>

#include <string>

#include "util/sys.h"

namespace env::test {

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/env-ct-unit-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { (void)sys::remove_tree(path); }
};

}  // namespace env::test

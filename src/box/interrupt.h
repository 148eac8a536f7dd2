#pragma once
// Ctrl-C during `box add` must unwind through the normal error path so that the temporary
// directory is removed: while an InterruptGuard lives, SIGINT and SIGTERM only set a flag
// that the download and extraction loops poll (box::interrupted()). Guards of several
// threads may overlap: the handlers stay until the last one goes.
#include <signal.h>

namespace env::box {

class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
};

bool interrupted();
// For tests: pretend a signal arrived (or clear it).
void set_interrupted(bool on);

}  // namespace env::box

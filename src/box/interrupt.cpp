#include "box/interrupt.h"

#include <atomic>

namespace env::box {

namespace {
std::atomic<bool> g_interrupted{false};
void on_signal(int) {
    g_interrupted.store(true);
}
}  // namespace

InterruptGuard::InterruptGuard() {
    g_interrupted.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
}

InterruptGuard::~InterruptGuard() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
}

bool interrupted() {
    return g_interrupted.load();
}
void set_interrupted(bool on) {
    g_interrupted.store(on);
}

}  // namespace env::box

#include "box/interrupt.h"

#include <atomic>
#include <mutex>

namespace env::box {

namespace {
std::atomic<bool> g_interrupted{false};
void on_signal(int) {
    g_interrupted.store(true);
}
// Machines brought up at once may add boxes at once: guards overlap in time without
// nesting, so the first one installs the handlers and the last one restores the old ones
// (a guard restoring what another installed would leave them in place for good).
std::mutex g_mu;
int g_guards = 0;
struct sigaction g_old_int, g_old_term;
}  // namespace

InterruptGuard::InterruptGuard() {
    std::lock_guard lock(g_mu);
    if (g_guards++ > 0) return;
    g_interrupted.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &g_old_int);
    ::sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
    std::lock_guard lock(g_mu);
    if (--g_guards > 0) return;
    ::sigaction(SIGINT, &g_old_int, nullptr);
    ::sigaction(SIGTERM, &g_old_term, nullptr);
}

bool interrupted() {
    return g_interrupted.load();
}
void set_interrupted(bool on) {
    g_interrupted.store(on);
}

}  // namespace env::box

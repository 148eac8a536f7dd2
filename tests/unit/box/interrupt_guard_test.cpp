// box/interrupt.h: guards of machines adding boxes at once overlap without nesting.
#include "box/interrupt.h"

#include <catch2/catch.hpp>
#include <optional>

namespace {

void (*handler(int sig))(int) {
    struct sigaction now {};
    ::sigaction(sig, nullptr, &now);
    return now.sa_handler;
}

}  // namespace

TEST_CASE("interrupt guards that overlap leave the first handlers in place at the end", "[box]") {
    auto before = handler(SIGINT);
    std::optional<env::box::InterruptGuard> a, b;
    a.emplace();
    auto ours = handler(SIGINT);
    CHECK(ours != before);
    b.emplace();
    a.reset();  // the first goes while the second still adds its box
    CHECK(handler(SIGINT) == ours);
    CHECK(handler(SIGTERM) == ours);
    b.reset();
    CHECK(handler(SIGINT) == before);
    CHECK(handler(SIGTERM) != ours);
}

#include <sys/eventfd.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "providers/kvm/hypervisor/event_loop.h"

using namespace env;
using namespace env::kvm;

TEST_CASE("event loop: run_sync runs on the loop thread, watched fds call back there",
          "[kvm][virtio]") {
    auto loop = *EventLoop::create();
    bool inline_before_start = false;
    loop->run_sync([&] { inline_before_start = true; });  // nothing runs devices yet: inline
    CHECK(inline_before_start);
    loop->start();
    std::thread::id ran_on;
    loop->run_sync([&] { ran_on = std::this_thread::get_id(); });
    CHECK(ran_on != std::this_thread::get_id());

    UniqueFd efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    std::atomic<int> calls{0};
    std::atomic<bool> on_loop{false};
    loop->watch(efd.get(), [&] {
        uint64_t v;
        (void)!::read(efd.get(), &v, sizeof v);
        on_loop = loop->on_loop_thread();
        ++calls;
    });
    uint64_t one = 1;
    (void)!::write(efd.get(), &one, sizeof one);
    for (int i = 0; i < 1000 && calls == 0; ++i) usleep(1000);
    CHECK(calls == 1);
    CHECK(on_loop);
    loop->unwatch(efd.get());
    (void)!::write(efd.get(), &one, sizeof one);
    loop->run_sync([] {});
    CHECK(calls == 1);

    loop->stop();
    bool after_stop = false;
    loop->run_sync([&] { after_stop = true; });  // the loop is gone: inline, never a hang
    CHECK(after_stop);
}

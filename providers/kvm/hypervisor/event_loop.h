#pragma once
// The VMM's device thread: one epoll loop that waits on the queues' ioeventfds, the net
// backends' fds and posted work. Device I/O runs here, so a vCPU only ever waits for a
// register access, never for a disk or a socket (virtio/device.h, "Threading").
#include <sys/types.h>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "providers/kvm/virtio/device.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace env::kvm {

class EventLoop : public virtio::EventLoop {
public:
    static Result<std::unique_ptr<EventLoop>> create();
    ~EventLoop() override;  // stops and joins the thread

    void start();
    void stop();

    void watch(int fd, std::function<void()> on_ready) override;
    void unwatch(int fd) override;
    void post(std::function<void()> fn) override;
    // Runs fn on the loop thread and waits for it (inline when called on the loop thread, or
    // before start(), when nothing else runs devices yet). vCPUs use it for register
    // accesses that need the device's answer.
    void run_sync(const std::function<void()>& fn);
    bool on_loop_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

private:
    EventLoop() = default;
    void loop();
    void run_posted();

    UniqueFd epoll_, wake_;
    std::thread thread_;
    std::atomic<bool> stopping_{false}, finished_{false};
    std::mutex mutex_;
    std::deque<std::function<void()>> posted_;
    // Handlers by fd; shared_ptr so unwatch() inside a handler does not destroy it mid-call.
    std::map<int, std::shared_ptr<std::function<void()>>> watched_;
};

}  // namespace env::kvm

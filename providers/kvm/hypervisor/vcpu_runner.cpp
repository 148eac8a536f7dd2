#include "providers/kvm/hypervisor/vcpu_runner.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include "providers/kvm/hypervisor/start_trace.h"

namespace env::kvm {

namespace {
constexpr int kKickSignal = SIGUSR1;
void on_kick(int) {}
}  // namespace

void VcpuRunner::install_kick_signal() {
    struct sigaction sa {};
    sa.sa_handler = on_kick;
    sigemptyset(&sa.sa_mask);
    // SA_RESTART keeps a kick from failing the vCPU thread's other system calls (a console
    // write to a full pipe); KVM_RUN itself returns EINTR regardless, as KVM does not
    // restart it (Documentation/virt/kvm/api.rst, KVM_RUN and KVM_EXIT_INTR).
    sa.sa_flags = SA_RESTART;
    sigaction(kKickSignal, &sa, nullptr);
}

void VcpuRunner::start() {
    std::lock_guard lock(mutex_);
    thread_ = std::thread([this] { loop(); });
    handle_ = thread_.native_handle();
    owner_ = thread_.get_id();
    started_ = true;
}

void VcpuRunner::run_here() {
    {
        std::lock_guard lock(mutex_);
        handle_ = pthread_self();
        owner_ = std::this_thread::get_id();
        started_ = true;
    }
    loop();
}

void VcpuRunner::kick() {
    vcpu_.set_immediate_exit(true);
    std::lock_guard lock(mutex_);
    if (started_ && !exited_) pthread_kill(handle_, kKickSignal);
}

void VcpuRunner::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = true;
    }
    cv_.notify_all();
    if (!thread_.joinable()) return;  // never started, or ran in run_here(), which has returned
    kick();
    thread_.join();
}

void VcpuRunner::request_exit() {
    bool own_thread;
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = true;
        own_thread = started_ && owner_ == std::this_thread::get_id();
    }
    cv_.notify_all();
    if (!own_thread) kick();
}

std::optional<kvm_regs> VcpuRunner::pause(std::chrono::milliseconds timeout) {
    {
        std::lock_guard lock(mutex_);
        if (exited_) return std::nullopt;
        pause_requested_ = true;
    }
    kick();
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [&] { return paused_ || exited_; }) || exited_)
        return std::nullopt;
    return regs_;
}

void VcpuRunner::resume() {
    {
        std::lock_guard lock(mutex_);
        pause_requested_ = false;
    }
    cv_.notify_all();
}

std::optional<kvm_regs> VcpuRunner::sample(std::chrono::milliseconds timeout) {
    bool was_paused;
    {
        std::lock_guard lock(mutex_);
        was_paused = pause_requested_;
        if (was_paused && paused_) return regs_;
    }
    auto r = pause(timeout);
    if (!was_paused) resume();
    return r;
}

bool VcpuRunner::paused() const {
    std::lock_guard lock(mutex_);
    return paused_;
}

void VcpuRunner::loop() {
    start_trace::mark("vcpu loop running");
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (stop_requested_) break;
            if (pause_requested_) {
                // Clear the kick before sampling: KVM_RUN with immediate_exit has already
                // completed any pending I/O, so the registers are consistent.
                vcpu_.set_immediate_exit(false);
                auto r = vcpu_.get_regs();
                regs_ = r ? std::optional(*r) : std::nullopt;
                paused_ = true;
                cv_.notify_all();
                cv_.wait(lock, [&] { return !pause_requested_ || stop_requested_; });
                paused_ = false;
                if (stop_requested_) break;
            }
        }
        VcpuExit e = vcpu_.run();
        if (e.kind == VcpuExit::Kind::Interrupted) {
            vcpu_.set_immediate_exit(false);
            continue;
        }
        if (auto stop = handle_exit(e, pio_, mmio_)) {
            on_stop_(*stop);
            break;
        }
    }
    std::lock_guard lock(mutex_);
    exited_ = true;
    cv_.notify_all();
}

}  // namespace env::kvm

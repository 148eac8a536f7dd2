#pragma once
// One thread per vCPU (vCPU 0 runs in the VMM's main thread, see run_here()). That thread
// alone calls into its Vcpu; other threads talk to it through requests (pause, stop) and a
// kick: immediate_exit plus a signal, which makes KVM_RUN return at once whatever the guest
// is doing.
#include <pthread.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "providers/kvm/hypervisor/bus.h"
#include "providers/kvm/hypervisor/run_loop.h"
#include "providers/kvm/hypervisor/vcpu.h"

namespace env::kvm {

class VcpuRunner {
public:
    using OnStop = std::function<void(StopReason)>;
    VcpuRunner(Vcpu vcpu, Bus& pio, Bus& mmio, OnStop on_stop)
        : vcpu_(std::move(vcpu)), pio_(pio), mmio_(mmio), on_stop_(std::move(on_stop)) {}
    ~VcpuRunner() { stop(); }

    // Installs the (empty) kick signal handler; call once before starting runners.
    static void install_kick_signal();

    void start();
    // Runs the vCPU in the calling thread until it is asked to leave or the guest ends the
    // machine; the runner is then this thread's, as if start() had made it.
    void run_here();
    void stop();  // asks the thread to leave and joins it
    // Asks the thread to leave without waiting: safe from the vCPU's own thread, where a
    // device ending the machine must keep the guest from running one more instruction.
    void request_exit();
    // Pauses the vCPU and returns its registers (sampled in the vCPU's own thread), or
    // nothing when it does not stop within `timeout`.
    std::optional<kvm_regs> pause(std::chrono::milliseconds timeout);
    void resume();
    // Pause, sample registers, resume (when it was running).
    std::optional<kvm_regs> sample(std::chrono::milliseconds timeout);
    bool paused() const;

private:
    void kick();
    void loop();

    Vcpu vcpu_;
    Bus& pio_;
    Bus& mmio_;
    OnStop on_stop_;
    std::thread thread_;
    pthread_t handle_{};
    std::thread::id owner_;  // the thread running loop(), once started
    bool started_ = false;   // with mutex_
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    bool pause_requested_ = false, paused_ = false, stop_requested_ = false, exited_ = false;
    std::optional<kvm_regs> regs_;
};

}  // namespace env::kvm

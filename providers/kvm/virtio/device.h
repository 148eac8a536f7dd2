#pragma once
// The seam between a virtio device and its transport (virtio 1.2 §2 and §4.1). A device
// (blk, net, rng) knows its features, its config space and its queues; it never knows the
// transport: it does not see PCI registers, BARs, MSI-X tables or eventfds. The transport
// (providers/kvm/pci/virtio_pci*) owns the common configuration registers, negotiates
// features, collects each queue's addresses from the driver and, on DRIVER_OK, hands the
// device a ready set of queues and an Interrupt to raise. Tests drive a device with a
// fake transport over GuestMemory (memfd-backed, no KVM needed).
//
// Threading: activate(), queue_notify(), reset() and config access are called on the
// VMM's event-loop thread (the one that waits on the queues' ioeventfds), never on a vCPU
// thread, so a device may do its I/O synchronously there without stalling a vCPU. A device
// that has its own fds to watch (a tap, a NAT stack) registers them with the EventLoop.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "util/error.h"

namespace env::kvm {
class GuestMemory;
}

namespace env::kvm::virtio {

// Device IDs (virtio 1.2 §5).
enum class DeviceId : uint32_t { Net = 1, Block = 2, Rng = 4 };

// Feature bits every device shares (virtio 1.2 §6).
inline constexpr uint64_t kFeatureIndirectDesc = 1ull << 28;  // VIRTIO_F_INDIRECT_DESC
inline constexpr uint64_t kFeatureEventIdx = 1ull << 29;      // VIRTIO_F_EVENT_IDX
inline constexpr uint64_t kFeatureVersion1 = 1ull << 32;      // VIRTIO_F_VERSION_1

// One queue as the driver configured it through the transport (virtio 1.2 §2.7: split
// virtqueues). Addresses are guest-physical and untrusted: the device's queue code checks
// every one against guest memory before use.
struct QueueConfig {
    uint16_t size = 0;  // entries, a power of two not above the device's maximum
    uint64_t desc = 0;
    uint64_t driver = 0;  // the available ring
    uint64_t device = 0;  // the used ring
    bool ready = false;
};

// How a device tells the driver something happened. The transport maps it to an MSI-X
// vector through irqfd, or to the INTx line and the ISR status register.
class Interrupt {
public:
    virtual ~Interrupt() = default;
    virtual void used_buffers(uint16_t queue) = 0;  // §2.7.10 "used buffer notification"
    virtual void config_changed() = 0;              // §2.4.2 "configuration change"
    // The device met a malformed queue: the transport sets DEVICE_NEEDS_RESET (§2.1.2) and
    // raises a configuration change. The device stops processing until reset().
    virtual void needs_reset() = 0;
};

// The VMM's event loop, for devices with their own fds (net backends).
class EventLoop {
public:
    virtual ~EventLoop() = default;
    // Calls on_ready on the loop thread whenever fd is readable (or errs/hangs up).
    virtual void watch(int fd, std::function<void()> on_ready) = 0;
    virtual void unwatch(int fd) = 0;
    // Runs fn on the loop thread soon (from any thread).
    virtual void post(std::function<void()> fn) = 0;
};

struct Activation {
    GuestMemory* memory = nullptr;
    uint64_t features = 0;            // what the driver accepted (a subset of the offer)
    std::vector<QueueConfig> queues;  // index = queue number; not-ready ones have ready=false
    Interrupt* interrupt = nullptr;   // outlives the activation (until reset())
    EventLoop* loop = nullptr;
};

class Device {
public:
    virtual ~Device() = default;
    virtual DeviceId id() const = 0;
    // The offer, including kFeatureVersion1 (this is a modern-only implementation).
    virtual uint64_t features() const = 0;
    // Maximum size of each queue; the count is the number of queues.
    virtual std::vector<uint16_t> queue_max_sizes() const = 0;
    // Device-specific configuration (§4.1.4.6): any offset and width inside config_size();
    // reads past it return zeros, writes past it are ignored.
    virtual unsigned config_size() const = 0;
    virtual void read_config(unsigned offset, std::span<uint8_t> data) const = 0;
    virtual void write_config(unsigned offset, std::span<const uint8_t> data) {
        (void)offset, (void)data;
    }
    // DRIVER_OK: start using the queues. An error (a queue the device needs is not ready,
    // an address outside memory) makes the transport set DEVICE_NEEDS_RESET.
    virtual Result<> activate(Activation a) = 0;
    // The driver notified queue `queue` (§4.1.5.2), after activation.
    virtual void queue_notify(uint16_t queue) = 0;
    // The driver wrote 0 to device_status (§2.4): forget the activation, drop the queues.
    virtual void reset() = 0;
};

}  // namespace env::kvm::virtio

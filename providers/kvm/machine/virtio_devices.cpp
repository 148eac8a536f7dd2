#include "providers/kvm/machine/virtio_devices.h"

#include <spdlog/spdlog.h>

#include "providers/kvm/virtio/block/device.h"
#include "providers/kvm/virtio/block/disk_image.h"
#include "providers/kvm/virtio/net/device.h"
#include "providers/kvm/virtio/net/slirp_backend.h"
#include "providers/kvm/virtio/net/tap_backend.h"
#include "providers/kvm/virtio/rng/device.h"

namespace env::kvm {

namespace {
// Where BARs go: above the RAM that ends at the hole, below the IOAPIC at 0xFEC00000.
constexpr uint64_t kPciMmioBase = 0xD000'0000;

class KvmIntx : public IrqLine {
public:
    KvmIntx(const Vm& vm, uint32_t gsi) : vm_(vm), gsi_(gsi) {}
    void set_level(bool high) override {
        // PCI INTx is active low and level-triggered; the MP table says so, and KVM's
        // IOAPIC takes the logical level.
        if (auto r = vm_.irq_line(gsi_, high); !r)
            spdlog::warn("INTx {}: {}", gsi_, r.error().what());
    }

private:
    const Vm& vm_;
    uint32_t gsi_;
};

class VmmPciPlatform : public pci::VirtioPciPlatform {
public:
    VmmPciPlatform(const Vm& vm, Bus& mmio, pci::MsiRouter& router)
        : vm_(vm), mmio_(mmio), router_(router) {}
    Result<> map_mmio(uint64_t base, uint64_t len, std::shared_ptr<BusDevice> device) override {
        return mmio_.insert(base, len, std::move(device));
    }
    void unmap_mmio(uint64_t base) override { (void)mmio_.remove(base); }
    Result<> add_ioeventfd(int fd, uint64_t addr, unsigned len) override {
        return vm_.add_ioeventfd(fd, addr, len);
    }
    void remove_ioeventfd(int fd, uint64_t addr, unsigned len) override {
        if (auto r = vm_.remove_ioeventfd(fd, addr, len); !r) spdlog::warn("{}", r.error().what());
    }
    Result<std::unique_ptr<pci::MsiSink>> msi_sink(unsigned vectors) override {
        return std::unique_ptr<pci::MsiSink>(TRY(pci::KvmMsiSink::create(vm_, router_, vectors)));
    }
    std::shared_ptr<IrqLine> intx_line(uint8_t gsi) override {
        return std::make_shared<KvmIntx>(vm_, gsi);
    }

private:
    const Vm& vm_;
    Bus& mmio_;
    pci::MsiRouter& router_;
};
}  // namespace

Result<> VirtioDevices::make_devices(const VmmConfig& config) {
    auto& devices = devices_;
    // Slots in this order: disks (vda, vdb, ... as Linux probes by slot), NICs, rng.
    for (size_t i = 0; i < config.disks.size(); ++i) {
        auto& d = config.disks[i];
        auto image = virtio::open_disk(d.path, d.base, d.read_only);
        if (!image) return fail(ErrorKind::Invalid, "disk " + d.path + ": " + image.error().what());
        devices.push_back(std::make_shared<virtio::BlockDevice>(std::move(*image),
                                                                "env-disk" + std::to_string(i)));
    }
    for (size_t i = 0; i < config.nics.size(); ++i) {
        auto& n = config.nics[i];
        virtio::MacAddress mac = n.mac;
        if (mac == virtio::MacAddress{}) mac = {0x52, 0x54, 0x00, 0x12, 0x34, uint8_t(0x56 + i)};
        std::unique_ptr<virtio::NetBackend> backend;
        if (n.backend == "tap") {
            backend = TRY(virtio::TapBackend::open(n.tap));
        } else {
            auto stack = TRY(net::SlirpStack::create());
            for (auto& f : n.forwards) {
                net::HostForward hf;
                hf.proto = f.proto == "udp" ? net::Proto::Udp : net::Proto::Tcp;
                hf.host_ip = f.host_addr;
                hf.host_port = f.host_port;
                hf.guest_port = f.guest_port;
                if (auto r = stack->add_forward(hf); !r)
                    return fail(ErrorKind::Invalid, "forward " + f.proto + " " + f.host_addr + ":" +
                                                        std::to_string(f.host_port) + ": " +
                                                        r.error().what());
            }
            TRY(stack->start());
            backend = std::make_unique<virtio::SlirpBackend>(*stack);
            slirp_.push_back(std::move(stack));
        }
        devices.push_back(std::make_shared<virtio::NetDevice>(std::move(backend), mac));
    }
    if (config.rng) devices.push_back(std::make_shared<virtio::RngDevice>());
    return {};
}

Result<std::unique_ptr<VirtioDevices>> VirtioDevices::create(const VmmConfig& config, const Vm& vm,
                                                             GuestMemory& memory, Bus& mmio,
                                                             pci::PciBus& pci) {
    std::unique_ptr<VirtioDevices> v(new VirtioDevices());
    TRY(v->make_devices(config));
    if (v->devices_.empty()) return v;
    v->loop_ = TRY(EventLoop::create());
    v->msi_router_ = std::make_unique<pci::MsiRouter>(vm);
    v->platform_ = std::make_unique<VmmPciPlatform>(vm, mmio, *v->msi_router_);
    uint64_t bar = kPciMmioBase;
    for (auto& d : v->devices_) {
        auto t = TRY(pci::VirtioPci::create(d, memory, *v->loop_, *v->platform_));
        unsigned slot = TRY(pci.add(t));
        t->place(slot, static_cast<uint32_t>(bar));
        bar += pci::kBarSize;
        v->transports_.push_back(std::move(t));
    }
    return v;
}

VirtioDevices::~VirtioDevices() {
    stop();
    for (auto& t : transports_) t->shutdown();
    transports_.clear();
    devices_.clear();  // before the NAT stacks their backends use
}

void VirtioDevices::start() {
    if (loop_) loop_->start();
}

void VirtioDevices::stop() {
    if (loop_) loop_->stop();
}

nlohmann::json VirtioDevices::status() const {
    nlohmann::json list = nlohmann::json::array();
    for (auto& t : transports_) {
        char id[8];
        snprintf(id, sizeof id, "%04x", t->device_id());
        list.push_back(
            {{"device", id}, {"ioeventfds", t->ioeventfds()}, {"notify_exits", t->notify_exits()}});
    }
    return list;
}

}  // namespace env::kvm

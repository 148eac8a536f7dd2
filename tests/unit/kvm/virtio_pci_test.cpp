// The virtio-pci transport driven as Linux's virtio_pci_modern does, against a tiny test
// device (no virtqueue code: it records what the transport hands it and raises
// interrupts on demand) and a fake platform (no KVM).
#include <sys/eventfd.h>
#include <catch2/catch.hpp>

#include <map>
#include <optional>

#include "fake_irq.h"
#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/pci/pci_bus.h"
#include "providers/kvm/pci/virtio_pci.h"

using namespace env;
using namespace env::kvm;
using namespace env::kvm::pci;

namespace {
class TestDevice : public virtio::Device {
public:
    virtio::DeviceId id() const override { return virtio::DeviceId::Rng; }
    uint64_t features() const override { return virtio::kFeatureVersion1 | (1ull << 3); }
    std::vector<uint16_t> queue_max_sizes() const override { return {8, 16}; }
    unsigned config_size() const override { return 4; }
    void read_config(unsigned off, std::span<uint8_t> d) const override {
        for (size_t i = 0; i < d.size(); ++i) d[i] = off + i < 4 ? uint8_t(0xA0 + off + i) : 0;
    }
    Result<> activate(virtio::Activation a) override {
        if (fail_activation) return fail(ErrorKind::Invalid, "queue 0 not ready");
        activation = a;
        return {};
    }
    void queue_notify(uint16_t q) override {
        notifies.push_back(q);
        activation->interrupt->used_buffers(q);
    }
    void reset() override { ++resets; }

    bool fail_activation = false;
    std::optional<virtio::Activation> activation;
    std::vector<uint16_t> notifies;
    unsigned resets = 0;
};

class FakeSink : public MsiSink {
public:
    explicit FakeSink(std::vector<std::pair<unsigned, uint32_t>>& log) : log_(log) {}
    void fire(unsigned vector, uint64_t, uint32_t data) override { log_.push_back({vector, data}); }
    std::vector<std::pair<unsigned, uint32_t>>& log_;
};

class FakePlatform : public VirtioPciPlatform {
public:
    Result<> map_mmio(uint64_t base, uint64_t, std::shared_ptr<BusDevice>) override {
        mapped = base;
        return {};
    }
    void unmap_mmio(uint64_t) override { mapped = 0; }
    Result<> add_ioeventfd(int fd, uint64_t addr, unsigned) override {
        ioeventfds[addr] = fd;
        return {};
    }
    void remove_ioeventfd(int, uint64_t addr, unsigned) override { ioeventfds.erase(addr); }
    Result<std::unique_ptr<MsiSink>> msi_sink(unsigned) override {
        return std::unique_ptr<MsiSink>(std::make_unique<FakeSink>(msis));
    }
    std::shared_ptr<IrqLine> intx_line(uint8_t gsi) override {
        intx_gsi = gsi;
        return intx;
    }
    uint64_t mapped = 0;
    std::map<uint64_t, int> ioeventfds;
    std::vector<std::pair<unsigned, uint32_t>> msis;
    std::shared_ptr<test::FakeIrq> intx = std::make_shared<test::FakeIrq>();
    uint8_t intx_gsi = 0;
};

struct Rig {
    Rig() {
        memory.emplace(*GuestMemory::create(16 << 20));
        loop = *EventLoop::create();
        loop->start();
        pci = *VirtioPci::create(device, *memory, *loop, platform);
        pci->place(3, 0xD000'0000);
    }
    ~Rig() {
        loop->stop();
        pci->shutdown();
    }
    uint64_t rd(uint64_t off, unsigned size) {
        uint8_t b[8] = {};
        pci->read(off, {b, size});
        uint64_t v = 0;
        for (unsigned i = 0; i < size; ++i) v |= uint64_t(b[i]) << (8 * i);
        return v;
    }
    void wr(uint64_t off, unsigned size, uint64_t v) {
        uint8_t b[8];
        for (unsigned i = 0; i < size; ++i) b[i] = uint8_t(v >> (8 * i));
        pci->write(off, {b, size});
    }
    // Linux's order up to FEATURES_OK, accepting `features`.
    uint8_t negotiate(uint64_t features) {
        wr(0x14, 1, 0);
        wr(0x14, 1, kAcknowledge);
        wr(0x14, 1, kAcknowledge | kDriver);
        wr(0x08, 4, 0), wr(0x0C, 4, uint32_t(features));
        wr(0x08, 4, 1), wr(0x0C, 4, uint32_t(features >> 32));
        wr(0x14, 1, kAcknowledge | kDriver | kFeaturesOk);
        return uint8_t(rd(0x14, 1));
    }
    void setup_queue(uint16_t q, uint16_t size, uint16_t vector) {
        wr(0x16, 2, q);
        wr(0x18, 2, size);
        wr(0x1A, 2, vector);
        wr(0x20, 4, 0x1000 * (q + 1)), wr(0x24, 4, 0);
        wr(0x28, 8, 0x1000 * (q + 1) + 0x100);
        wr(0x30, 8, 0x1000 * (q + 1) + 0x200);
        wr(0x1C, 2, 1);
    }
    void notify(uint16_t q) {
        wr(kNotifyCfg + q * kNotifyMultiplier, 2, q);
        loop->run_sync([] {});  // let the loop drain the eventfd
        for (int i = 0; i < 100 && device->notifies.empty(); ++i) usleep(1000);
    }
    std::shared_ptr<TestDevice> device = std::make_shared<TestDevice>();
    FakePlatform platform;
    std::optional<GuestMemory> memory;
    std::unique_ptr<EventLoop> loop;
    std::shared_ptr<VirtioPci> pci;
};
}  // namespace

TEST_CASE("virtio-pci: identity, capabilities and BAR mapping", "[kvm][virtio]") {
    Rig r;
    CHECK(r.pci->config_read(0, 4) == (0x1044u << 16 | 0x1AF4));
    CHECK(r.pci->config_read(0x08, 1) == 1);  // revision 1: modern only
    CHECK(r.pci->config_read(0x3D, 1) == 1);  // INTA
    CHECK(r.pci->config_read(0x3C, 1) == legacy_irq(3));
    CHECK(r.platform.intx_gsi == legacy_irq(3));
    // Walk the capability list: MSI-X, then the five virtio structures.
    std::vector<unsigned> types;
    for (unsigned p = r.pci->config_read(0x34, 1); p; p = r.pci->config_read(p + 1, 1)) {
        unsigned id = r.pci->config_read(p, 1);
        types.push_back(id == 0x11 ? 0x11 : r.pci->config_read(p + 3, 1));
    }
    CHECK(types == std::vector<unsigned>{0x11, 1, 2, 3, 4, 5});
    CHECK((r.pci->config_read(0x42, 2) & 0x7FF) == 2);  // three vectors: two queues and config
    // Nothing is mapped until memory decoding is on; sizing works; moving the BAR moves the map.
    CHECK(r.platform.mapped == 0);
    r.pci->config_write(0x10, 4, 0xFFFFFFFF);
    CHECK(r.pci->config_read(0x10, 4) == uint32_t(~(kBarSize - 1)));
    r.pci->config_write(0x10, 4, 0xD000'0000);
    r.pci->config_write(0x04, 2, 0x6);
    CHECK(r.platform.mapped == 0xD000'0000);
    CHECK(r.platform.ioeventfds.count(0xD000'0000 + kNotifyCfg + kNotifyMultiplier));
    r.pci->config_write(0x10, 4, 0xE000'0000);
    CHECK(r.platform.mapped == 0xE000'0000);
    CHECK(r.platform.ioeventfds.size() == 2);
    CHECK(r.platform.ioeventfds.begin()->first == 0xE000'0000 + kNotifyCfg);
}

TEST_CASE("virtio-pci: feature negotiation refuses what was not offered", "[kvm][virtio]") {
    Rig r;
    r.wr(0x00, 4, 1);
    CHECK(r.rd(0x04, 4) == 1);  // VERSION_1 is bit 32
    CHECK(r.rd(0x12, 2) == 2);
    CHECK(!(r.negotiate(virtio::kFeatureVersion1 | (1ull << 5)) & kFeaturesOk));  // not offered
    CHECK(!(r.negotiate(1ull << 3) & kFeaturesOk));                               // no VERSION_1
    CHECK(r.negotiate(virtio::kFeatureVersion1 | (1ull << 3)) & kFeaturesOk);
    CHECK(r.rd(kDeviceCfg + 1, 2) == 0xA2A1);
}

TEST_CASE("virtio-pci: DRIVER_OK activates with the queues, then notify and MSI-X",
          "[kvm][virtio]") {
    Rig r;
    REQUIRE(r.negotiate(virtio::kFeatureVersion1) & kFeaturesOk);
    r.wr(0x16, 2, 0);
    CHECK(r.rd(0x18, 2) == 8);
    r.wr(0x10, 2, 7);  // beyond the table: NO_VECTOR
    CHECK(r.rd(0x10, 2) == kNoVector);
    r.setup_queue(0, 4, 1);
    r.setup_queue(1, 32, 0);  // above the maximum: the size stays 16
    CHECK(r.rd(0x18, 2) == 16);
    r.wr(0x14, 1, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
    REQUIRE(r.device->activation);
    auto& a = *r.device->activation;
    CHECK(a.features == virtio::kFeatureVersion1);
    REQUIRE(a.queues.size() == 2);
    CHECK((a.queues[0].ready && a.queues[0].size == 4 && a.queues[0].desc == 0x1000 &&
           a.queues[0].driver == 0x1100 && a.queues[0].device == 0x1200));
    // Queue fields are frozen after DRIVER_OK.
    r.wr(0x16, 2, 0), r.wr(0x18, 2, 2);
    CHECK(r.rd(0x18, 2) == 4);

    // MSI-X enabled, vector 1 masked: the message waits in the PBA and goes on unmask.
    r.pci->config_write(0x42, 2, kMsixEnable);
    r.wr(kMsixTable + 16 + 8, 4, 0x4141);
    r.notify(0);
    CHECK(r.device->notifies == std::vector<uint16_t>{0});
    CHECK(r.platform.msis.empty());
    CHECK(r.rd(kMsixPba, 1) == 0x2);
    r.wr(kMsixTable + 16 + 12, 4, 0);
    REQUIRE(r.platform.msis.size() == 1);
    CHECK(r.platform.msis[0] == std::pair<unsigned, uint32_t>{1, 0x4141});
    CHECK(r.rd(kMsixPba, 1) == 0);
    CHECK(r.platform.intx->raised == 0);
}

TEST_CASE("virtio-pci: INTx and the ISR without MSI-X", "[kvm][virtio]") {
    Rig r;
    REQUIRE(r.negotiate(virtio::kFeatureVersion1) & kFeaturesOk);
    r.setup_queue(0, 8, kNoVector);
    r.wr(0x14, 1, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
    r.notify(0);
    CHECK(r.platform.intx->level);
    CHECK(r.rd(kIsrCfg, 1) == 1);
    CHECK(!r.platform.intx->level);
    CHECK(r.rd(kIsrCfg, 1) == 0);  // read clears
}

TEST_CASE("virtio-pci: reset, failed activation and DEVICE_NEEDS_RESET", "[kvm][virtio]") {
    Rig r;
    REQUIRE(r.negotiate(virtio::kFeatureVersion1) & kFeaturesOk);
    r.setup_queue(0, 8, kNoVector);
    r.wr(0x14, 1, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
    REQUIRE(r.device->activation);
    uint8_t gen = uint8_t(r.rd(0x15, 1));
    r.device->activation->interrupt->needs_reset();
    CHECK(r.rd(0x14, 1) & kNeedsReset);
    CHECK(uint8_t(r.rd(0x15, 1)) != gen);
    CHECK(r.rd(kIsrCfg, 1) == 2);  // a configuration change
    r.device->notifies.clear();
    r.wr(kNotifyCfg, 2, 0);
    r.loop->run_sync([] {});
    CHECK(r.device->notifies.empty());  // stopped until reset
    r.wr(0x14, 1, 0);
    CHECK(r.device->resets == 1);
    CHECK(r.rd(0x14, 1) == 0);
    r.wr(0x16, 2, 0);
    CHECK(r.rd(0x1C, 2) == 0);

    r.device->activation.reset();
    r.device->fail_activation = true;
    REQUIRE(r.negotiate(virtio::kFeatureVersion1) & kFeaturesOk);
    r.wr(0x14, 1, kAcknowledge | kDriver | kFeaturesOk | kDriverOk);
    CHECK(r.rd(0x14, 1) & kNeedsReset);
}

TEST_CASE("virtio-pci: the PCI configuration access capability reaches the BAR", "[kvm][virtio]") {
    Rig r;
    r.pci->config_write(0x94 + 4, 1, 0);           // BAR 0
    r.pci->config_write(0x94 + 8, 4, kDeviceCfg);  // offset
    r.pci->config_write(0x94 + 12, 4, 4);          // length
    CHECK(r.pci->config_read(0x94 + 16, 4) == 0xA3A2A1A0);
}

#include "providers/kvm/pci/msix_routing.h"

TEST_CASE("MSI routing keeps the IRQ chip's own pins (KVM_SET_GSI_ROUTING replaces the table)",
          "[kvm][virtio]") {
    auto r = default_irqchip_routes();
    REQUIRE(r.size() == 16 + 24);
    unsigned pic = 0, ioapic = 0;
    for (auto& e : r) {
        CHECK(e.type == KVM_IRQ_ROUTING_IRQCHIP);
        if (e.u.irqchip.irqchip == KVM_IRQCHIP_IOAPIC) {
            CHECK(e.u.irqchip.pin == e.gsi);
            ++ioapic;
        } else {
            CHECK(e.gsi < 16);
            CHECK(e.u.irqchip.irqchip ==
                  (e.gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE));
            CHECK(e.u.irqchip.pin == e.gsi % 8);
            ++pic;
        }
    }
    CHECK((pic == 16 && ioapic == 24));
}

TEST_CASE("MSI-X: disabled or function-masked vectors send nothing, unmasking sends what was held",
          "[kvm][virtio]") {
    std::vector<std::pair<unsigned, uint32_t>> log;
    FakeSink sink(log);
    MsixTable t(2, sink);
    auto wr32 = [&](uint64_t off, uint32_t v) {
        uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
        t.table_write(off, b);
    };
    wr32(0 * 16 + 8, 0x30);
    wr32(0 * 16 + 12, 0);  // vector 0 unmasked
    t.signal(0);
    CHECK(log.empty());  // MSI-X not enabled: nothing, not even pending
    t.set_control(kMsixEnable | kMsixFunctionMask);
    t.signal(0);
    CHECK(log.empty());
    uint8_t pba = 0;
    t.pba_read(0, {&pba, 1});
    CHECK(pba == 1);
    t.set_control(kMsixEnable);
    REQUIRE(log.size() == 1);
    CHECK(log[0] == std::pair<unsigned, uint32_t>{0, 0x30});
    t.signal(5);  // out of range: ignored
    CHECK(log.size() == 1);
    uint8_t ctrl[4];
    t.table_read(1 * 16 + 12, ctrl);
    CHECK(ctrl[0] == 1);  // vectors start masked
}

#include "providers/kvm/pci/virtio_pci.h"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "providers/kvm/pci/pci_bus.h"
#include "providers/kvm/pci/virtio_pci_irq.h"

namespace env::kvm::pci {

namespace {
constexpr uint16_t kVirtioVendor = 0x1AF4;
constexpr unsigned kCapStart = 0x40, kMsixCap = 0x40, kPciCfgCap = 0x94;
// virtio_pci_cap.cfg_type (§4.1.4).
constexpr uint8_t kCapCommon = 1, kCapNotify = 2, kCapIsr = 3, kCapDevice = 4, kCapPciCfg = 5;
constexpr uint16_t kCommandMemory = 0x2, kCommandIntxDisable = 0x400;

uint32_t class_code(virtio::DeviceId id) {
    switch (id) {
        case virtio::DeviceId::Net:
            return 0x020000;  // network controller, Ethernet
        case virtio::DeviceId::Block:
            return 0x018000;  // mass storage, other
        default:
            return 0xFF0000;  // device does not fit a class
    }
}
}  // namespace

VirtioPci::VirtioPci(std::shared_ptr<virtio::Device> device, GuestMemory& memory, EventLoop& loop,
                     VirtioPciPlatform& platform)
    : device_(std::move(device)),
      memory_(memory),
      loop_(loop),
      platform_(platform),
      cfg_(kVirtioVendor, uint16_t(0x1040 + uint32_t(device_->id())), class_code(device_->id()),
           1) {}

Result<std::shared_ptr<VirtioPci>> VirtioPci::create(std::shared_ptr<virtio::Device> device,
                                                     GuestMemory& memory, EventLoop& loop,
                                                     VirtioPciPlatform& platform) {
    std::shared_ptr<VirtioPci> p(new VirtioPci(std::move(device), memory, loop, platform));
    p->offer_ = p->device_->features() | virtio::kFeatureVersion1;
    p->max_sizes_ = p->device_->queue_max_sizes();
    size_t n = p->max_sizes_.size();
    if (n == 0 || n * kNotifyMultiplier > kMsixTable - kNotifyCfg)
        return fail(ErrorKind::Invalid, "virtio device with " + std::to_string(n) + " queues");
    p->queues_.resize(n);
    for (size_t q = 0; q < n; ++q)
        p->queues_[q].size = p->max_sizes_[q];  // §4.1.4.3.2: reads the maximum
    p->queue_vectors_.assign(n, kNoVector);
    p->ioeventfd_ok_.assign(n, false);
    for (size_t q = 0; q < n; ++q) {
        int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) return fail_errno("eventfd");
        p->notify_fds_.emplace_back(fd);
        std::weak_ptr<VirtioPci> weak = p;
        loop.watch(fd, [weak, fd, q] {
            uint64_t v;
            if (::read(fd, &v, sizeof v) != sizeof v) return;
            if (auto self = weak.lock()) self->notified(uint16_t(q));
        });
    }
    p->msi_sink_ =
        TRY(platform.msi_sink(unsigned(n) + 1));  // one vector per queue and one for config
    p->msix_ = std::make_unique<MsixTable>(unsigned(n) + 1, *p->msi_sink_);
    p->irq_ = std::make_unique<Irq>(*p);
    p->build_capabilities();
    return p;
}

void VirtioPci::shutdown() {
    for (auto& fd : notify_fds_) loop_.unwatch(fd.get());
    if (active_) device_->reset();
    active_ = false;
    std::lock_guard lock(cfg_mutex_);
    unmap();
    device_.reset();  // now, while what its backend uses (a NAT stack) still exists
}

void VirtioPci::build_capabilities() {
    cfg_.set16(kSubsystemVendor, kVirtioVendor);
    cfg_.set16(kSubsystemId, uint16_t(0x40 + uint32_t(device_->id())));
    cfg_.set16(kStatus, 0x10);  // capabilities list
    cfg_.set8(kCapPtr, kCapStart);
    cfg_.add_bar(0, kBarSize, false);
    // MSI-X (PCI 3.0, 6.8.2): table and PBA in BAR 0.
    cfg_.set8(kMsixCap, 0x11);
    cfg_.set8(kMsixCap + 1, 0x50);
    cfg_.set16(kMsixCap + 2, uint16_t(msix_->size() - 1));
    cfg_.set_writable(kMsixCap + 3, 1, 0xC0);  // enable, function mask
    cfg_.set32(kMsixCap + 4, kMsixTable);      // BIR 0
    cfg_.set32(kMsixCap + 8, kMsixPba);
    // struct virtio_pci_cap (§4.1.4): vndr, next, len, cfg_type, bar, id, pad[2], offset, length.
    auto cap = [&](unsigned at, unsigned next, uint8_t len, uint8_t type, uint32_t offset,
                   uint32_t length) {
        cfg_.set8(at, 0x09);
        cfg_.set8(at + 1, uint8_t(next));
        cfg_.set8(at + 2, len);
        cfg_.set8(at + 3, type);
        cfg_.set8(at + 4, 0);
        cfg_.set32(at + 8, offset);
        cfg_.set32(at + 12, length);
    };
    cap(0x50, 0x60, 16, kCapCommon, kCommonCfg, 0x38);
    cap(0x60, 0x74, 20, kCapNotify, kNotifyCfg, uint32_t(queues_.size()) * kNotifyMultiplier);
    cfg_.set32(0x60 + 16, kNotifyMultiplier);
    cap(0x74, 0x84, 16, kCapIsr, kIsrCfg, 1);
    cap(0x84, kPciCfgCap, 16, kCapDevice, kDeviceCfg, std::max(device_->config_size(), 4u));
    // VIRTIO_PCI_CAP_PCI_CFG: a window onto the BAR through configuration space.
    cap(kPciCfgCap, 0, 20, kCapPciCfg, 0, 0);
    cfg_.set_writable(kPciCfgCap + 4, 1, 0xFF);
    cfg_.set_writable(kPciCfgCap + 8, 12, 0xFF);
}

void VirtioPci::place(unsigned slot, uint32_t bar) {
    std::lock_guard lock(cfg_mutex_);
    cfg_.set32(kBar0, bar);
    cfg_.set_interrupt(legacy_irq(slot), 1);  // INTA
    intx_ = platform_.intx_line(legacy_irq(slot));
}

uint32_t VirtioPci::config_read(unsigned offset, unsigned size) {
    std::unique_lock lock(cfg_mutex_);
    if (offset >= kPciCfgCap + 16 && offset + size <= kPciCfgCap + 20) {
        uint32_t off = cfg_.read(kPciCfgCap + 8, 4), len = cfg_.read(kPciCfgCap + 12, 4);
        bool bar0 = cfg_.read(kPciCfgCap + 4, 1) == 0;
        lock.unlock();
        uint8_t b[4] = {};
        if (bar0 && (len == 1 || len == 2 || len == 4)) bar_access(off, {b, len}, false);
        uint32_t v = b[0] | b[1] << 8 | b[2] << 16 | uint32_t(b[3]) << 24;
        return v >> (8 * (offset - kPciCfgCap - 16));
    }
    return cfg_.read(offset, size);
}

void VirtioPci::config_write(unsigned offset, unsigned size, uint32_t value) {
    std::unique_lock lock(cfg_mutex_);
    cfg_.write(offset, size, value);
    if (offset >= kPciCfgCap + 16 && offset + size <= kPciCfgCap + 20) {
        uint32_t off = cfg_.read(kPciCfgCap + 8, 4), len = cfg_.read(kPciCfgCap + 12, 4);
        bool bar0 = cfg_.read(kPciCfgCap + 4, 1) == 0;
        uint32_t data = cfg_.read(kPciCfgCap + 16, 4);
        lock.unlock();
        uint8_t b[4] = {uint8_t(data), uint8_t(data >> 8), uint8_t(data >> 16),
                        uint8_t(data >> 24)};
        if (bar0 && (len == 1 || len == 2 || len == 4)) bar_access(off, {b, len}, true);
        return;
    }
    if (offset < kMsixCap + 4 && offset + size > kMsixCap + 2)
        msix_->set_control(uint16_t(cfg_.read(kMsixCap + 2, 2)));
    if (offset < kCommand + 2 && offset + size > kCommand) {
        bool disabled = cfg_.read(kCommand, 2) & kCommandIntxDisable;
        intx_disabled_ = disabled;
        if (disabled && intx_) intx_->set_level(false);
    }
    if (offset < kBar0 + 4 && offset + size > kCommand) update_mapping();
}

void VirtioPci::update_mapping() {
    uint64_t want = (cfg_.read(kCommand, 2) & kCommandMemory) ? cfg_.bar_address(0) : 0;
    if (want == mapped_) return;
    unmap();
    if (!want || want + kBarSize > 0x1'0000'0000ull) return;
    if (auto r = platform_.map_mmio(want, kBarSize, shared_from_this()); !r) {
        spdlog::warn("virtio-pci: BAR 0 at 0x{:x}: {}", want, r.error().what());
        return;
    }
    mapped_ = want;
    for (size_t q = 0; q < notify_fds_.size(); ++q) {
        auto r = platform_.add_ioeventfd(notify_fds_[q].get(),
                                         want + kNotifyCfg + q * kNotifyMultiplier, 2);
        ioeventfd_ok_[q] = bool(r);
        if (!r) spdlog::debug("virtio-pci: no ioeventfd for queue {}: {}", q, r.error().what());
    }
}

void VirtioPci::unmap() {
    if (!mapped_) return;
    for (size_t q = 0; q < notify_fds_.size(); ++q)
        if (ioeventfd_ok_[q])
            platform_.remove_ioeventfd(notify_fds_[q].get(),
                                       mapped_ + kNotifyCfg + q * kNotifyMultiplier, 2);
    platform_.unmap_mmio(mapped_);
    mapped_ = 0;
}

void VirtioPci::read(uint64_t offset, std::span<uint8_t> data) {
    bar_access(offset, data, false);
}
void VirtioPci::write(uint64_t offset, std::span<const uint8_t> data) {
    uint8_t b[8] = {};
    size_t n = std::min<size_t>(data.size(), 8);
    std::copy_n(data.begin(), n, b);
    bar_access(offset, {b, n}, true);
}

void VirtioPci::bar_access(uint64_t offset, std::span<uint8_t> data, bool is_write) {
    unsigned size = unsigned(data.size());
    auto value = [&] {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; ++i) v |= uint64_t(data[i]) << (8 * i);
        return v;
    };
    auto put = [&](uint64_t v) {
        for (unsigned i = 0; i < size; ++i) data[i] = uint8_t(v >> (8 * i));
    };
    if (offset < kIsrCfg) {
        if (is_write)
            loop_.run_sync([&] { common_write(unsigned(offset), size, value()); });
        else
            loop_.run_sync([&] { put(common_read(unsigned(offset), size)); });
    } else if (offset < kDeviceCfg) {
        if (!is_write) put(offset == kIsrCfg ? read_isr() : 0);
    } else if (offset < kNotifyCfg) {
        unsigned off = unsigned(offset - kDeviceCfg);
        if (is_write)
            loop_.run_sync([&] { device_->write_config(off, data); });
        else
            loop_.run_sync([&] { device_->read_config(off, data); });
    } else if (offset < kMsixTable) {
        // Reached only without an ioeventfd (or by a width KVM did not match): same path.
        uint64_t q = (offset - kNotifyCfg) / kNotifyMultiplier;
        if (is_write && q < notify_fds_.size()) {
            ++notify_exits_;
            uint64_t one = 1;
            (void)!::write(notify_fds_[q].get(), &one, sizeof one);
        } else if (!is_write)
            put(0);
    } else if (offset < kMsixPba) {
        if (is_write)
            msix_->table_write(offset - kMsixTable, data);
        else
            msix_->table_read(offset - kMsixTable, data);
    } else if (!is_write) {
        msix_->pba_read(offset - kMsixPba, data);
    }
}

}  // namespace env::kvm::pci

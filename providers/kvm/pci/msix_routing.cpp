#include "providers/kvm/pci/msix_routing.h"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace env::kvm::pci {

std::vector<kvm_irq_routing_entry> default_irqchip_routes() {
    std::vector<kvm_irq_routing_entry> r;
    auto add = [&](uint32_t gsi, uint32_t chip, uint32_t pin) {
        kvm_irq_routing_entry e{};
        e.gsi = gsi;
        e.type = KVM_IRQ_ROUTING_IRQCHIP;
        e.u.irqchip.irqchip = chip;
        e.u.irqchip.pin = pin;
        r.push_back(e);
    };
    // As the kernel's kvm_setup_default_irq_routing (arch/x86/kvm/irq_comm.c).
    for (uint32_t i = 0; i < 16; ++i)
        add(i, i < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE, i % 8);
    for (uint32_t i = 0; i < 24; ++i) add(i, KVM_IRQCHIP_IOAPIC, i);
    return r;
}

Result<> MsiRouter::route(uint32_t gsi, uint64_t addr, uint32_t data) {
    std::lock_guard lock(mutex_);
    auto it = msi_.find(gsi);
    if (it != msi_.end() && it->second == std::pair{addr, data}) return {};
    msi_[gsi] = {addr, data};
    auto routes = default_irqchip_routes();
    for (auto& [g, m] : msi_) {
        kvm_irq_routing_entry e{};
        e.gsi = g;
        e.type = KVM_IRQ_ROUTING_MSI;
        e.u.msi.address_lo = static_cast<uint32_t>(m.first);
        e.u.msi.address_hi = static_cast<uint32_t>(m.first >> 32);
        e.u.msi.data = m.second;
        routes.push_back(e);
    }
    auto r = vm_.set_gsi_routing(routes);
    if (!r) msi_.erase(gsi);  // KVM does not have it: try again on the next message
    return r;
}

Result<std::unique_ptr<KvmMsiSink>> KvmMsiSink::create(const Vm& vm, MsiRouter& router,
                                                       unsigned vectors) {
    std::unique_ptr<KvmMsiSink> s(new KvmMsiSink(vm, router));
    for (unsigned i = 0; i < vectors; ++i) {
        int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) return fail_errno("eventfd");
        Vector v{router.allocate(), UniqueFd(fd)};
        // A GSI without a route yet: the irqfd injects nothing until route() gives it one.
        TRY(vm.add_irqfd(fd, v.gsi));
        s->vectors_.push_back(std::move(v));
    }
    return s;
}

KvmMsiSink::~KvmMsiSink() {
    for (auto& v : vectors_) (void)vm_.remove_irqfd(v.fd.get(), v.gsi);
}

void KvmMsiSink::fire(unsigned vector, uint64_t addr, uint32_t data) {
    if (vector >= vectors_.size()) return;
    auto& v = vectors_[vector];
    if (auto r = router_.route(v.gsi, addr, data); !r) {
        spdlog::warn("MSI-X vector {}: {}", vector, r.error().what());
        return;
    }
    uint64_t one = 1;
    (void)!::write(v.fd.get(), &one, sizeof one);
}

}  // namespace env::kvm::pci

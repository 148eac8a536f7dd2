#include "providers/kvm/hypervisor/vm.h"

#include <sys/ioctl.h>

#include <cstring>
#include <vector>

#include "providers/kvm/hypervisor/kvm_ioctls.h"
#include "providers/kvm/hypervisor/start_trace.h"

namespace env::kvm {

// Intel VMX needs three pages for a real-mode TSS and one for the EPT identity map, somewhere
// the guest never uses: just below the 4 GiB BIOS area, inside the MMIO hole (as QEMU does).
constexpr uint64_t kTssAddr = 0xFFFB'D000;
constexpr uint64_t kIdentityMapAddr = 0xFFFB'C000;

Result<Vm> Vm::create(const Kvm& kvm) {
    Vm vm;
    int fd = ::ioctl(kvm.fd(), KVM_CREATE_VM, 0);
    if (fd < 0) return fail_errno("KVM_CREATE_VM");
    vm.fd_.reset(fd);
    if (::ioctl(fd, KVM_SET_TSS_ADDR, kTssAddr) < 0) return fail_errno("KVM_SET_TSS_ADDR");
    uint64_t idmap = kIdentityMapAddr;
    if (kvm.check_extension(KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0 &&
        ::ioctl(fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0)
        return fail_errno("KVM_SET_IDENTITY_MAP_ADDR");
    return vm;
}

Result<> Vm::create_irqchip() const {
    if (::ioctl(fd_.get(), KVM_CREATE_IRQCHIP, 0) < 0) return fail_errno("KVM_CREATE_IRQCHIP");
    start_trace::mark("irqchip created");
    kvm_pit_config pit{};
    pit.flags = KVM_PIT_SPEAKER_DUMMY;
    if (::ioctl(fd_.get(), KVM_CREATE_PIT2, &pit) < 0) return fail_errno("KVM_CREATE_PIT2");
    return {};
}

Result<> Vm::mask_pic() const {
    for (unsigned chip : {KVM_IRQCHIP_PIC_MASTER, KVM_IRQCHIP_PIC_SLAVE}) {
        kvm_irqchip ic{};
        ic.chip_id = chip;
        if (::ioctl(fd_.get(), KVM_GET_IRQCHIP, &ic) < 0) return fail_errno("KVM_GET_IRQCHIP");
        auto& pic = ic.chip.pic;
        pic.irq_base = chip == KVM_IRQCHIP_PIC_MASTER ? 0x08 : 0x70;
        pic.imr = 0xFF;
        pic.init4 = 1;
        pic.init_state = 0;
        if (::ioctl(fd_.get(), KVM_SET_IRQCHIP, &ic) < 0) return fail_errno("KVM_SET_IRQCHIP");
    }
    return {};
}

Result<> Vm::add_memory(unsigned slot, uint64_t gpa, uint64_t size, void* host) const {
    kvm_userspace_memory_region region{};
    region.slot = slot;
    region.guest_phys_addr = gpa;
    region.memory_size = size;
    region.userspace_addr = reinterpret_cast<uint64_t>(host);
    if (::ioctl(fd_.get(), KVM_SET_USER_MEMORY_REGION, &region) < 0)
        return fail_errno("KVM_SET_USER_MEMORY_REGION");
    return {};
}

Result<> Vm::irq_line(uint32_t gsi, bool level) const {
    kvm_irq_level l{};
    l.irq = gsi;
    l.level = level ? 1 : 0;
    if (::ioctl(fd_.get(), KVM_IRQ_LINE, &l) < 0) return fail_errno("KVM_IRQ_LINE");
    return {};
}

Result<Vcpu> Vm::create_vcpu(const Kvm& kvm, unsigned id) const {
    int fd = ::ioctl(fd_.get(), KVM_CREATE_VCPU, id);
    if (fd < 0) return fail_errno("KVM_CREATE_VCPU " + std::to_string(id));
    UniqueFd vfd(fd);
    int size = TRY(kvm.vcpu_mmap_size());
    auto run = TRY(Mapping::map(size, PROT_READ | PROT_WRITE, MAP_SHARED, fd));
    return Vcpu(id, std::move(vfd), std::move(run));
}

Result<> Vm::set_gsi_routing(std::span<const kvm_irq_routing_entry> routes) const {
    // struct kvm_irq_routing: {u32 nr, u32 flags, entries[]}, built by hand (kvm_ioctls.h).
    auto buf = ioctl_nr::counted(routes);
    if (::ioctl(fd_.get(), ioctl_nr::kSetGsiRouting, buf.data()) < 0)
        return fail_errno("KVM_SET_GSI_ROUTING");
    return {};
}

static Result<> irqfd(int vm, int eventfd, uint32_t gsi, uint32_t flags) {
    kvm_irqfd f{};
    f.fd = static_cast<__u32>(eventfd);
    f.gsi = gsi;
    f.flags = flags;
    if (::ioctl(vm, KVM_IRQFD, &f) < 0) return fail_errno("KVM_IRQFD gsi " + std::to_string(gsi));
    return {};
}
Result<> Vm::add_irqfd(int eventfd, uint32_t gsi) const {
    return irqfd(fd_.get(), eventfd, gsi, 0);
}
Result<> Vm::remove_irqfd(int eventfd, uint32_t gsi) const {
    return irqfd(fd_.get(), eventfd, gsi, KVM_IRQFD_FLAG_DEASSIGN);
}

static Result<> ioeventfd(int vm, int eventfd, uint64_t addr, unsigned len, uint32_t flags) {
    kvm_ioeventfd e{};
    e.addr = addr;
    e.len = len;
    e.fd = eventfd;
    e.flags = flags;
    if (::ioctl(vm, KVM_IOEVENTFD, &e) < 0) return fail_errno("KVM_IOEVENTFD");
    return {};
}
Result<> Vm::add_ioeventfd(int eventfd, uint64_t addr, unsigned len) const {
    return ioeventfd(fd_.get(), eventfd, addr, len, 0);
}
Result<> Vm::remove_ioeventfd(int eventfd, uint64_t addr, unsigned len) const {
    return ioeventfd(fd_.get(), eventfd, addr, len, KVM_IOEVENTFD_FLAG_DEASSIGN);
}

}  // namespace env::kvm

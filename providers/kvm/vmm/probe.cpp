#include "providers/kvm/vmm/probe.h"

#include <chrono>

#include "providers/kvm/hypervisor/guest_memory.h"
#include "providers/kvm/hypervisor/kvm.h"
#include "providers/kvm/hypervisor/vm.h"

namespace env::kvm {

namespace {
constexpr uint32_t kIterations = 1'000'000;
constexpr uint16_t kDonePort = 0xF4;
constexpr uint64_t kCode = 0x1000;
}  // namespace

Result<ProbeResult> probe_speed() {
    auto kvm = TRY(Kvm::open());
    auto mem = TRY(GuestMemory::create(16 << 20));
    auto vm = TRY(Vm::create(kvm));
    TRY(vm.add_memory(0, 0, mem.size(), mem.host_base()));
    TRY(vm.create_irqchip());
    auto vcpu = TRY(vm.create_vcpu(kvm, 0));
    // Real mode, at 0x1000:  mov ecx, N ; 1: dec ecx ; jnz 1b ; out 0xF4, al ; hlt
    const uint8_t code[] = {0x66,
                            0xB9,
                            kIterations & 0xFF,
                            (kIterations >> 8) & 0xFF,
                            (kIterations >> 16) & 0xFF,
                            kIterations >> 24,
                            0x66,
                            0x49,
                            0x75,
                            0xFC,
                            0xE6,
                            kDonePort,
                            0xF4};
    TRY(mem.write(kCode, code));
    auto s = TRY(vcpu.get_sregs());
    s.cs.base = 0;
    s.cs.selector = 0;
    TRY(vcpu.set_sregs(s));
    kvm_regs r{};
    r.rip = kCode;
    r.rflags = 2;
    TRY(vcpu.set_regs(r));
    auto start = std::chrono::steady_clock::now();
    for (;;) {
        VcpuExit e = vcpu.run();
        if (e.kind == VcpuExit::Kind::Interrupted) continue;
        if (e.kind == VcpuExit::Kind::IoOut && e.addr == kDonePort) break;
        return fail(ErrorKind::Provider,
                    std::string("probe guest stopped unexpectedly: ") + to_string(e.kind));
    }
    ProbeResult p;
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    p.mips = 2.0 * kIterations / p.seconds / 1e6;
    p.accelerated = p.mips >= kAcceleratedMips;
    return p;
}

}  // namespace env::kvm

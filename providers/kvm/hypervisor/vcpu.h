#pragma once
// One vCPU: its fd and the shared kvm_run page. run() turns KVM's exit into a VcpuExit.
// A Vcpu is used by exactly one thread (its runner); kick() is the only call another
// thread may make.
#include <linux/kvm.h>

#include <vector>

#include "providers/kvm/hypervisor/vcpu_exit.h"
#include "util/error.h"
#include "util/mapping.h"
#include "util/unique_fd.h"

namespace env::kvm {

class Vcpu {
public:
    Vcpu(unsigned id, UniqueFd fd, Mapping run)
        : id_(id), fd_(std::move(fd)), run_(std::move(run)) {}

    unsigned id() const { return id_; }
    Result<> set_cpuid(const std::vector<kvm_cpuid_entry2>& entries);
    // KVM_GET_TSC_KHZ: the guest's TSC frequency (the host's unless scaled).
    Result<uint32_t> tsc_khz() const;
    Result<kvm_regs> get_regs() const;
    Result<> set_regs(const kvm_regs& r);
    Result<kvm_sregs> get_sregs() const;
    Result<> set_sregs(const kvm_sregs& s);
    Result<> set_fpu(const kvm_fpu& f);
    Result<> set_msrs(const std::vector<kvm_msr_entry>& msrs);
    // Programs the local APIC's LINT0 as ExtINT and LINT1 as NMI: the virtual-wire mode
    // an MP-table BIOS leaves behind (MP spec 1.4, 3.6.2.2), so PIC interrupts reach CPU 0.
    Result<> set_lint();

    // Enters the guest until the next exit that needs the VMM.
    VcpuExit run();
    // Makes the current or next run() return Interrupted (with a signal to the thread).
    void set_immediate_exit(bool on);

private:
    kvm_run* r() const { return static_cast<kvm_run*>(run_.data()); }
    unsigned id_;
    UniqueFd fd_;
    Mapping run_;
};

}  // namespace env::kvm

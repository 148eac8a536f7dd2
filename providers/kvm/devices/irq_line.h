#pragma once
// How a device raises its interrupt: an injected line, never a KVM call, so devices are
// tested with a recording fake and part 2's virtio devices can use the same seam.
namespace env::kvm {

class IrqLine {
public:
    virtual ~IrqLine() = default;
    virtual void set_level(bool high) = 0;
    // Edge-triggered ISA devices (i8042): a rising then falling edge.
    void pulse() {
        set_level(true);
        set_level(false);
    }
};

}  // namespace env::kvm

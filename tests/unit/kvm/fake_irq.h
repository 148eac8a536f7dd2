#pragma once
// An IrqLine that records what devices do to it.
#include <vector>

#include "providers/kvm/devices/irq_line.h"

namespace env::kvm::test {

class FakeIrq : public IrqLine {
public:
    void set_level(bool high) override {
        level = high;
        history.push_back(high);
        if (high) ++raised;
    }
    bool level = false;
    unsigned raised = 0;
    std::vector<bool> history;
};

}  // namespace env::kvm::test

#pragma once
// The PS/2 controller (i8042) at ports 0x60 (offset 0, data) and 0x64 (offset 4, status and
// command), keyboard on IRQ 1, no mouse. It exists for two reasons: guests reboot by
// pulsing the CPU reset line through it (command 0xFE, or output port bit 0 cleared), and
// the VMM asks a guest to shut down gracefully by typing Ctrl-Alt-Del. A keyboard answers
// the commands Linux's atkbd driver sends so that it binds.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "providers/kvm/devices/irq_line.h"
#include "providers/kvm/hypervisor/bus.h"

namespace env::kvm {

class I8042 : public BusDevice {
public:
    I8042(std::shared_ptr<IrqLine> kbd_irq, std::function<void()> on_reset)
        : irq_(std::move(kbd_irq)), on_reset_(std::move(on_reset)) {}

    void read(uint64_t offset, std::span<uint8_t> data) override;
    void write(uint64_t offset, std::span<const uint8_t> data) override;

    // Types Ctrl-Alt-Del as set-1 scancodes (what Linux's keyboard driver turns into
    // ctrl_alt_del(), i.e. SIGINT to init).
    void send_ctrl_alt_del();

private:
    void command(uint8_t cmd);
    void data_write(uint8_t v);
    void keyboard_command(uint8_t v);
    void push_kbd(uint8_t v);  // a byte from the keyboard: raises IRQ 1 if enabled
    void push_ctrl(uint8_t v);

    std::shared_ptr<IrqLine> irq_;
    std::function<void()> on_reset_;
    std::mutex mutex_;
    std::deque<uint8_t> out_;
    uint8_t cmd_byte_ = 0x61;  // kbd interrupt on, system flag, translation (IBM PC/AT TRM)
    uint8_t pending_cmd_ = 0;  // a controller command waiting for its data byte
    uint8_t kbd_pending_ = 0;  // a keyboard command waiting for its argument
    uint8_t outport_ = 0x03;   // bit 0: reset line (active low), bit 1: A20
    bool last_was_cmd_ = false;
};

}  // namespace env::kvm

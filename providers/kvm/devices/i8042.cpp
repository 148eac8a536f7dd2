#include "providers/kvm/devices/i8042.h"

namespace env::kvm {

namespace {
// Status register bits (offset 4 read).
constexpr uint8_t kStOutFull = 0x01, kStSystem = 0x04, kStCmd = 0x08;
constexpr uint8_t kCmdByteKbdInt = 0x01;
}  // namespace

void I8042::read(uint64_t offset, std::span<uint8_t> data) {
    std::lock_guard lock(mutex_);
    for (auto& b : data) b = 0xFF;
    if (data.size() != 1) return;
    if (offset == 0) {
        if (out_.empty()) {
            data[0] = 0;
        } else {
            data[0] = out_.front();
            out_.pop_front();
            if (!out_.empty() && (cmd_byte_ & kCmdByteKbdInt) && irq_) irq_->pulse();
        }
    } else if (offset == 4) {
        data[0] = (out_.empty() ? 0 : kStOutFull) | kStSystem | (last_was_cmd_ ? kStCmd : 0);
    }
}

void I8042::write(uint64_t offset, std::span<const uint8_t> data) {
    if (data.size() != 1) return;
    bool reset = false;
    {
        std::lock_guard lock(mutex_);
        if (offset == 4) {
            last_was_cmd_ = true;
            command(data[0]);
        } else if (offset == 0) {
            last_was_cmd_ = false;
            data_write(data[0]);
        }
        // Bit 0 of the output port is the CPU reset line, active low.
        if (!(outport_ & 0x01)) {
            reset = true;
            outport_ |= 0x01;
        }
    }
    if (reset && on_reset_) on_reset_();
}

void I8042::command(uint8_t cmd) {
    switch (cmd) {
        case 0x20:
            push_ctrl(cmd_byte_);
            break;  // read command byte
        case 0x60:
        case 0xD1:
        case 0xD2:
        case 0xD3:
        case 0xD4:
            pending_cmd_ = cmd;
            break;
        case 0xA7:
            cmd_byte_ |= 0x20;
            break;  // disable aux
        case 0xA8:
            cmd_byte_ &= ~0x20;
            break;  // enable aux
        case 0xA9:
            push_ctrl(0xFF);
            break;  // aux interface test: no mouse here
        case 0xAA:
            push_ctrl(0x55);
            break;  // self test passed
        case 0xAB:
            push_ctrl(0x00);
            break;  // keyboard interface test passed
        case 0xAD:
            cmd_byte_ |= 0x10;
            break;  // disable keyboard
        case 0xAE:
            cmd_byte_ &= ~0x10;
            break;  // enable keyboard
        case 0xC0:
            push_ctrl(0x00);
            break;  // read input port
        case 0xD0:
            push_ctrl(outport_);
            break;  // read output port
        case 0xFE:
            outport_ &= ~0x01;
            break;  // pulse reset line
        default:
            // 0xF0-0xFF pulse output port bits whose command bit is 0; bit 0 is reset.
            if (cmd >= 0xF0 && !(cmd & 0x01)) outport_ &= ~0x01;
            break;
    }
}

void I8042::data_write(uint8_t v) {
    uint8_t cmd = pending_cmd_;
    pending_cmd_ = 0;
    switch (cmd) {
        case 0x60:
            cmd_byte_ = v;
            return;
        case 0xD1:
            outport_ = v;
            return;
        case 0xD2:
            push_kbd(v);
            return;
        case 0xD3:
            return;  // no mouse to echo into
        case 0xD4:
            return;  // no mouse to send to: it stays silent, which means "absent"
        default:
            keyboard_command(v);
            return;
    }
}

void I8042::keyboard_command(uint8_t v) {
    if (kbd_pending_) {  // argument of 0xED (LEDs) or 0xF3 (typematic)
        kbd_pending_ = 0;
        push_kbd(0xFA);
        return;
    }
    switch (v) {
        case 0xED:
        case 0xF3:
            kbd_pending_ = v;
            push_kbd(0xFA);
            break;
        case 0xF2:
            push_kbd(0xFA);
            push_kbd(0xAB);
            push_kbd(0x83);
            break;  // MF2 keyboard id
        case 0xFF:
            push_kbd(0xFA);
            push_kbd(0xAA);
            break;  // reset, BAT ok
        case 0xEE:
            push_kbd(0xEE);
            break;  // echo
        default:
            push_kbd(0xFA);
            break;  // ack
    }
}

void I8042::push_kbd(uint8_t v) {
    if (out_.size() >= 64) return;  // a real controller has one byte; bound our queue
    out_.push_back(v);
    if ((cmd_byte_ & kCmdByteKbdInt) && irq_) irq_->pulse();
}

void I8042::push_ctrl(uint8_t v) {
    if (out_.size() >= 64) return;
    out_.push_back(v);
}

void I8042::send_ctrl_alt_del() {
    std::lock_guard lock(mutex_);
    // Set-1 make and break codes: Ctrl 1D/9D, Alt 38/B8, Delete E0 53 / E0 D3.
    for (uint8_t b : {0x1D, 0x38, 0xE0, 0x53, 0xE0, 0xD3, 0xB8, 0x9D}) push_kbd(b);
}

}  // namespace env::kvm

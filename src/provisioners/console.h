#pragma once
// Where provisioning output goes: the guest's stdout to ours, its stderr to ours, each line
// prefixed with the machine name. Tests swap the sinks to capture what would be printed.
#include <functional>
#include <string>
#include <string_view>

namespace env::provisioners {

struct Console {
    using Sink = std::function<void(std::string_view)>;
    Sink out, err;
    bool color_out = false, color_err = false;  // paint the "web1:" prefix

    // Writes to fds 1 and 2; colour follows util/term.h (TTY, NO_COLOR, --no-color).
    static Console standard();

    // "web1: " for lines going to stdout (err = false) or stderr (err = true).
    std::string prefix(std::string_view machine, bool err) const;
    // One whole line of our own ("web1: running provisioner ..."), newline added.
    void say(std::string_view machine, std::string_view text) const;
};

}  // namespace env::provisioners

#include "provisioners/console.h"

#include <unistd.h>

#include "util/sys.h"
#include "util/term.h"

namespace env::provisioners {

Console Console::standard() {
    Console c;
    // Output is best effort: a closed stdout must not fail the provisioning itself.
    c.out = [](std::string_view s) { (void)sys::write_all(1, s); };
    c.err = [](std::string_view s) { (void)sys::write_all(2, s); };
    c.color_out = term::color(1);
    c.color_err = term::color(2);
    return c;
}

std::string Console::prefix(std::string_view machine, bool err) const {
    std::string p = std::string(machine) + ":";
    if (err ? color_err : color_out) p = term::paint(err ? "33" : "36", p, err ? 2 : 1);
    return p + " ";
}

void Console::say(std::string_view machine, std::string_view text) const {
    if (out) out(prefix(machine, false) + std::string(text) + "\n");
}

}  // namespace env::provisioners

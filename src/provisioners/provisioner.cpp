#include "provisioners/provisioner.h"

namespace env::provisioners {

Error step_failed(const std::string& machine, const std::string& step, int status,
                  const LineTail& tail) {
    std::string msg = machine + ": provisioner '" + step + "' failed with exit status " +
                      std::to_string(status);
    if (tail.lines().empty())
        msg += " and printed nothing";
    else
        msg += "; last output:\n" + tail.indented();
    return Error(ErrorKind::Provider, msg);
}

Error step_error(Error e, const std::string& machine, const std::string& step) {
    e.context(machine + ": provisioner '" + step + "'");
    return e;
}

}  // namespace env::provisioners

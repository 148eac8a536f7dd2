#pragma once
// The provisioner seam (DESIGN.md, "Seams"): one step that configures a running machine
// over its Remote. The built-ins are shell and file, created from their Envfile entries by
// make() in registry.h; the Runner (runner.h) decides which steps run.
#include <string>

#include "envfile/model.h"
#include "provisioners/line_prefixer.h"
#include "ssh/remote.h"
#include "util/error.h"

namespace env::provisioners {

class Provisioner {
public:
    virtual ~Provisioner() = default;
    // Runs the step once. A step that fails on the guest is an Error naming the machine,
    // the step, its exit status and its last output lines (step_failed()).
    virtual Result<> provision(const envfile::Machine& machine, ssh::Remote& remote) = 0;
};

// "web1: provisioner 'setup' failed with exit status 3; last output:\n  ..."
Error step_failed(const std::string& machine, const std::string& step, int status,
                  const LineTail& tail);
// Adds "web1: provisioner 'setup'" to a transport error.
Error step_error(Error e, const std::string& machine, const std::string& step);

}  // namespace env::provisioners

#pragma once
// Which machines a machine command acts on.
#include <string>
#include <vector>

#include "core/project.h"

namespace env::cli {

// `up` with no names: machines with autostart (as Vagrant's autostart: false); named or
// matched by /regex/: those, autostart or not.
Result<std::vector<const envfile::Machine*>> up_targets(const core::Project& p,
                                                        const std::vector<std::string>& targets);

// `ssh [name]`: the named one; else the primary machine, else the only one.
Result<const envfile::Machine*> single_machine(const core::Project& p, const std::string& name);

}  // namespace env::cli

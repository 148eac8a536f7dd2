#pragma once
// The one explicit list of provisioner kinds (no static self-registration: DESIGN.md,
// "Seams"). A new kind is a new case in make().
#include <memory>

#include "envfile/model.h"
#include "provisioners/console.h"
#include "provisioners/provisioner.h"

namespace env::provisioners {

// `index`: the entry's 1-based position in the machine's list.
std::unique_ptr<Provisioner> make(const envfile::Provisioner& spec, int index = 1,
                                  const Console& console = Console::standard());

}  // namespace env::provisioners

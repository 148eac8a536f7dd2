#pragma once
// Checks across machines, after every machine is read and loops expanded: duplicate
// names, IPs and MACs, host ports forwarded twice, more than one primary machine.
#include "envfile/diagnostics.h"
#include "envfile/model.h"

namespace env::envfile {

void check_project(const Envfile& e, Diagnostics& diag);

}  // namespace env::envfile

#pragma once
// `provision:` lists, top-level (run on every machine first) and per machine:
//   - shell: "inline script"
//   - shell: {inline | path, args, env, privileged, run, name}
//   - file: {source, destination, run, name}
#include <vector>

#include "envfile/reader.h"

namespace env::envfile {

void read_provisioners(Reader& r, const Field& f, std::vector<Provisioner>& out);

// Gives unnamed provisioners "shell #N" / "file #N" (N: position in the machine's whole
// list, project-wide ones first) and reports two with one name in a machine.
void name_provisioners(Reader& r, std::vector<Provisioner>& list);

}  // namespace env::envfile

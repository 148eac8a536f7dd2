#pragma once
// `defaults:` and `machines:`. A machine starts as a copy of the defaults, then its own
// keys override them; `for:` expands one entry into several machines.
#include <vector>

#include "envfile/reader.h"

namespace env::envfile {

struct Defaults {
    Machine machine;         // provider, cpus, memory, ... as the defaults set them
    bool box_given = false;  // defaults: named a box (even a bad one: no "no box" follow-ups)
};

// One project's machines, after loops. Each is a process tree, a disk and host links; past a
// thousand a project is a mistake (or an attack on the validator), so it is refused at once.
inline constexpr size_t max_machines = 1024;

void read_defaults(Reader& r, const Field& f, Defaults& out);

// Needs r.networks set. Appends machines in file order, loops expanded in iteration order;
// global provisioners go first in each machine's list. Stops, with an error, past
// max_machines.
void read_machines(Reader& r, const Field& f, const Defaults& defaults,
                   const std::vector<Provisioner>& global, std::vector<Machine>& out);

}  // namespace env::envfile

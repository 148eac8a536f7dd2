#pragma once
// What up, halt, destroy and provision share: --no-parallel, one status row per machine
// (util/status_board.h), the jobs run side by side through core/fleet.h, and the end: one
// line per failed machine and the exit code of the first failure.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/fleet.h"
#include "envfile/model.h"
#include "provisioners/console.h"
#include "util/error.h"

namespace env::cli {

// A job gets its machine, the step reporter of its row and a console whose lines go
// through the board (provisioning output); it returns the outcome shown in its row.
using MachineJob = std::function<Result<std::string>(
    const envfile::Machine& m, const core::StepFn& step, const provisioners::Console& console)>;

void add_parallel_flag(CLI::App& app, bool& no_parallel);

// Runs `job` for every machine, started in the order given, at most
// core::default_parallelism() at once (one after the other with no_parallel). Every
// machine runs to its end whatever the others do. Returns 0 when all succeeded; otherwise
// prints "env: NAME: error" for each failed machine, in the order given, and returns the
// exit code of the first of them.
int run_machine_jobs(const std::vector<const envfile::Machine*>& machines, bool no_parallel,
                     const MachineJob& job);

}  // namespace env::cli

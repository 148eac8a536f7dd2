#pragma once
// Runs one operation (up, halt, destroy, provision) over several machines at once: at most
// `parallel` jobs at a time, started in the order given (halt and destroy pass their
// machines last first), each job's outcome kept at its index whatever the finishing order.
// A failing job does not stop the others: every job runs and reports. Jobs report their
// steps to a StatusBoard row (util/status_board.h), the one with the job's index.
//
// Each job must be safe to run beside the others: machine jobs take their own machine's
// lock, and what they share (the machine index, the box store, port allocation) is locked
// where it is changed.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/status_board.h"

namespace env::core {

// Tells the board what the job is doing now ("waiting for SSH").
using StepFn = std::function<void(std::string_view)>;
// Returns the outcome shown in the job's row ("running", "halted").
using FleetJob = std::function<Result<std::string>(const StepFn& step)>;

// parallel <= 1: one job after the other, in the calling thread.
std::vector<Result<std::string>> run_fleet(const std::vector<FleetJob>& jobs, unsigned parallel,
                                           StatusBoard& board);

// How many machine jobs run at once by default: max(8, 4 * cores). Bringing a machine up
// mostly waits (for its provider, for SSH to answer), so the bound is well above the
// cores. bench/parallel.sh on 2 cores, 16 busybox machines, with SSH coming up in 0.3-0.6 s:
// a bound of 4 took 1.65 s, 8 took 0.99 s, 16 took 1.02 s. With the faster start path (one
// machine in ~40 ms) the host's CPU is the limit and the bound matters little (4, 8, 16:
// 338, 362, 374 ms), so the larger bound stays for slower boxes.
unsigned default_parallelism();

}  // namespace env::core

#include "core/fleet.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>

namespace env::core {
namespace {

Result<std::string> run_one(const FleetJob& job, size_t i, StatusBoard& board) {
    board.update(i, RowState::Running, "");  // the job names its first step
    StepFn step = [&board, i](std::string_view what) { board.update(i, RowState::Running, what); };
    Result<std::string> r = fail(ErrorKind::Internal, "job did not run");
    try {
        r = job(step);
    } catch (const std::exception& e) {
        // An exception must not take the other machines' threads down with it.
        r = fail(ErrorKind::Internal, std::string("internal error: ") + e.what());
    }
    if (r)
        board.update(i, RowState::Done, *r);
    else
        board.update(i, RowState::Failed, r.error().what());
    return r;
}

}  // namespace

std::vector<Result<std::string>> run_fleet(const std::vector<FleetJob>& jobs, unsigned parallel,
                                           StatusBoard& board) {
    std::vector<Result<std::string>> results(jobs.size(), fail(ErrorKind::Internal, "not run"));
    if (parallel <= 1 || jobs.size() <= 1) {
        for (size_t i = 0; i < jobs.size(); ++i) results[i] = run_one(jobs[i], i, board);
        return results;
    }
    // Workers take the next job in order; each writes only its own slot of results.
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < jobs.size();)
            results[i] = run_one(jobs[i], i, board);
    };
    {
        std::vector<std::jthread> pool;
        size_t n = std::min<size_t>(parallel, jobs.size());
        try {
            for (size_t t = 0; t < n; ++t) pool.emplace_back(worker);
        } catch (const std::system_error&) {
            // No more threads to be had: those started (or this one) finish the work.
            if (pool.empty()) worker();
        }
    }  // joined here
    return results;
}

unsigned default_parallelism() {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    return std::max(8u, 4 * cores);
}

}  // namespace env::core
